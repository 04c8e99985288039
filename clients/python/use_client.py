"""Uses the Python client that openapi-python-client generates from `/v1/openapi.json`.

Run by `netvaerk-cli/tests/clients.rs` against `netvaerk serve` on the demo history:

    python use_client.py BASE_URL

with the generated package `netvaerk_client` on PYTHONPATH. Through the client's own typed
models only, the chief forum's chair opens the round 2018H2 while a reader follows the log
(a long poll from the head), a chief of the chief forum proposes a theme
(recorded by the secretariat), the portfolio is read, and the
follower sees both decisions arrive as typed events. Then every report parses into its typed
models, and every event of the log into the class its type names. Exits non-zero, saying why, on any
surprise.
"""

import sys
import threading
import uuid

from netvaerk_client import Client
from netvaerk_client.api.default import decide, events, head, organisations, report
from netvaerk_client.models import (
    Accepted,
    Appended,
    Command,
    EventsPage,
    Metadata,
    OpenRound,
    Origin,
    Problem,
    ProposeTheme,
    ReportReport,
    RoundOpened,
    ThemeProposed,
    ThemeProposedData,
)

# The demo's ids (`netvaerk demo` numbers people kind 1, units kind 2).
ORGANISATION = uuid.UUID("0190ab00-0000-7000-8000-00000000a1b5")
SECRETARY = uuid.UUID("0190ab00-0000-7000-8000-000100000001")  # Sofie Holm
CHAIR = uuid.UUID("0190ab00-0000-7000-8000-000100000003")  # Karen Lund, director
JOBCENTER_CHIEF = uuid.UUID("0190ab00-0000-7000-8000-00010000000c")  # Anne Kjær, chief forum
JOBCENTER = uuid.UUID("0190ab00-0000-7000-8000-00020000000c")
THEME = uuid.UUID("0190ab00-0000-7000-8000-00030000e001")
TITLE = "Sprogstøtte til nye borgere"


def expect(condition: bool, what: str) -> None:
    if not condition:
        sys.exit(f"python client: {what}")


def decided(answer: Accepted | Problem | None, what: str) -> Accepted:
    if isinstance(answer, Problem):
        sys.exit(f"python client: {what} was refused: {answer.code}: {answer.detail}")
    expect(isinstance(answer, Accepted), f"{what}: no answer")
    return answer


def main(base: str) -> None:
    client = Client(base_url=base, raise_on_unexpected_status=True, timeout=30.0)

    listed = organisations.sync(client=client)
    expect(any(entry.id == ORGANISATION for entry in listed.organisations), f"the demo is not listed: {listed}")
    start = head.sync(client=client).position + 1

    # A follower: long polls from the head until it has seen both decisions.
    seen: list = []

    def follow() -> None:
        position = start
        while len(seen) < 2:
            page = events.sync(client=client, from_=position, organisation=ORGANISATION, wait=20)
            expect(isinstance(page, EventsPage), f"the feed answered {page}")
            expect(page.events or page.next_ > position, "a long poll ended with nothing new")
            seen.extend(page.events)
            position = page.next_

    follower = threading.Thread(target=follow)
    follower.start()

    opened = decide.sync(
        org=ORGANISATION,
        client=client,
        body=Command(
            metadata=Metadata(actor=CHAIR, occurred_on="04.09.2018", rationale="Efterårets runde"),
            action=OpenRound(command="open_round", round_="2018H2"),
        ),
        idempotency_key="python-client-open-2018H2",
    )
    event = decided(opened, "opening the round").events[0].event
    expect(isinstance(event, RoundOpened), f"the answer's event is {type(event).__name__}, not RoundOpened")
    expect(event.data.round_ == "2018H2", f"opened {event.data.round_}")

    proposed = decide.sync(
        org=ORGANISATION,
        client=client,
        body=Command(
            metadata=Metadata(actor=SECRETARY, occurred_on="2018-09-04"),
            action=ProposeTheme(
                command="propose_theme",
                theme=THEME,
                title=TITLE,
                challenge="Nye borgere venter længe på danskundervisning og mister kontakten til jobcentret",
                proposed_by=JOBCENTER_CHIEF,
                departments=[JOBCENTER],
                origins=[Origin.BELOW],
            ),
        ),
    )
    event = decided(proposed, "proposing the theme").events[0].event
    expect(isinstance(event, ThemeProposed), f"the answer's event is {type(event).__name__}")
    expect(event.data.title == TITLE, f"proposed {event.data.title!r}")

    portfolio = report.sync(org=ORGANISATION, report=ReportReport.PORTFOLIO, client=client)
    themes = portfolio.report.themes
    expect(any(theme.title == TITLE for theme in themes), f"the portfolio lacks the theme: {[t.title for t in themes]}")
    expect(portfolio.stamp.head.split(":")[0].isdigit(), f"the stamp's head is {portfolio.stamp.head}")

    follower.join(timeout=60)
    expect(not follower.is_alive(), "the follower did not see both decisions")
    types = [record.event_type for record in seen]
    expect(types == ["RoundOpened", "ThemeProposed"], f"the feed brought {types}")
    data = ThemeProposedData.from_dict(seen[1].payload)
    expect(data.theme == THEME and data.departments == [JOBCENTER], f"the feed's proposal is {data}")
    # Every report of the demo parses into its typed models, not a plain dict.
    for name in ReportReport:
        answer = report.sync(org=ORGANISATION, report=name, client=client)
        rows = answer.report if isinstance(answer.report, list) else [answer.report]
        expect(not any(isinstance(row, dict) for row in rows), f"the {name} report did not parse: {str(rows)[:200]}")
    # Every decision in the log parses into the event class its type names.
    position, decoded = 1, 0
    while True:
        page = events.sync(client=client, from_=position, organisation=ORGANISATION, limit=1000)
        for record in page.events:
            event = Appended.from_dict({"position": record.position, "event": {"type": record.event_type, "data": record.payload}}).event
            expect(type(event).__name__ == record.event_type, f"{record.event_type} parsed as {type(event).__name__}")
            decoded += 1
        if page.next_ > page.head:
            break
        position = page.next_
    expect(decoded > 1000, f"only {decoded} events decoded")
    print(f"python client: every report parsed; {decoded} events decoded, each into its own class")
    print(f"python client: opened 2018H2, proposed {TITLE!r}, read it in the portfolio, followed {len(seen)} events")


if __name__ == "__main__":
    main(sys.argv[1])
