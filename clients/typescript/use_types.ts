// Uses the TypeScript types that openapi-typescript generates from `/v1/openapi.json`.
//
// Run by `netvaerk-cli/tests/clients.rs`: the types are generated beside this file as
// `netvaerk.d.ts`, `tsc --strict` compiles it (the `@ts-expect-error` lines must be errors, so
// the types are exact, not `any`), and node runs it against `netvaerk serve` on the demo
// history: `node use_types.js BASE_URL`. The secretariat registers and names a unit in one
// atomic batch, and the answer's events are read through the `Event` union, narrowed by its
// `type` discriminator.
import type { components } from "./netvaerk";

type Schemas = components["schemas"];
type Command = Schemas["Command"];
type BatchAnswer = Schemas["BatchAnswer"];
type Event = Schemas["Event"];

// The demo's ids (`netvaerk demo` numbers people kind 1, units kind 2).
const ORGANISATION = "0190ab00-0000-7000-8000-00000000a1b5";
const SECRETARY = "0190ab00-0000-7000-8000-000100000001"; // Sofie Holm
const AREA = "0190ab00-0000-7000-8000-000200000002"; // By, Kultur og Miljø
const UNIT = "0190ab00-0000-7000-8000-00020000e002";

const wrongCommand: Schemas["OpenRound"] = {
  command: "open_round",
  round: "2018H2",
  // @ts-expect-error: opening a round names no theme
  theme: UNIT,
};
// @ts-expect-error: not a kind of unit
const wrongKind: Schemas["UnitKind"] = "directorate";

/** A line about an event; the switch narrows `event.data` by `event.type`. */
function describe(event: Event): string {
  switch (event.type) {
    case "UnitRegistered":
      return `unit ${event.data.unit} registered as a ${event.data.kind} under ${event.data.parent ?? "nothing"}`;
    case "UnitNamed":
      return `unit ${event.data.unit} named ${event.data.name}`;
    case "ThemeProposed":
      return `theme proposed: ${event.data.title}`;
    default:
      return event.type;
  }
}

/** A command by the secretariat's leader; its optional members sent as null, as many clients do. */
function by(action: Command["action"]): Command {
  return { metadata: { actor: SECRETARY, occurred_on: "03.09.2018", rationale: null }, action, acknowledgements: null };
}

async function main(base: string): Promise<void> {
  const commands: Command[] = [
    by({ command: "register_unit", unit: UNIT, kind: "department", parent: AREA }),
    by({ command: "name_unit", unit: UNIT, name: "Sprogcentret" }),
  ];
  const body: Schemas["BatchRequest"] = { mode: "atomic", commands };
  const response = await fetch(`${base}/v1/organisations/${ORGANISATION}/commands:batch`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) {
    const problem = (await response.json()) as Schemas["Problem"];
    throw new Error(`the batch was refused: ${response.status} ${problem.code}: ${problem.detail}`);
  }
  const answer = (await response.json()) as BatchAnswer;
  const lines: string[] = [];
  for (const result of answer.results) {
    if (!result.ok || result.accepted === undefined || result.accepted === null) {
      throw new Error(`a command was not accepted: ${JSON.stringify(result)}`);
    }
    for (const appended of result.accepted.events) {
      lines.push(describe(appended.event));
    }
  }
  const expected = [
    `unit ${UNIT} registered as a department under ${AREA}`,
    `unit ${UNIT} named Sprogcentret`,
  ];
  if (JSON.stringify(lines) !== JSON.stringify(expected)) {
    throw new Error(`the events read ${JSON.stringify(lines)}`);
  }
  console.log(`typescript types: ${lines.join("; ")}`);
}

void wrongCommand;
void wrongKind;
main(process.argv[2] ?? "http://127.0.0.1:8080").catch((error: unknown) => {
  console.error(`typescript types: ${String(error)}`);
  process.exit(1);
});
