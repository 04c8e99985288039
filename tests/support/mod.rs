//! What the integration tests share: temporary directories and PostgreSQL schemas.

#![allow(dead_code)] // each test crate uses what it needs

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::NaiveDate;
use netvaerk_core::{
    Acknowledgement, Action, Command, Criterion, CriterionAssessment, Metadata, NetworkId, NetworkType,
    Origin, PersonId, RoundId, Rule, ThemeId, UnitId, UnitKind,
};

/// The test ids: `0190ab00-0000-7000-8000-` and `n` in hex.
pub fn id(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(0x0190ab00_0000_7000_8000_000000000000 + n)
}

/// A fresh directory under the system's temporary directory, removed at the end.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// `netvaerk-LABEL-<uuid>`, created.
    pub fn new(label: &str) -> Self {
        let path = std::env::temp_dir().join(format!("netvaerk-{label}-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh schema on the test server (`NETVAERK_TEST_POSTGRES`), dropped at the end; `None`
/// when the variable is unset.
pub struct PgSchema {
    url: String,
    schema: String,
}

impl PgSchema {
    /// A schema named `PREFIX_<16 hex digits>`.
    pub fn new(prefix: &str) -> Option<Self> {
        let url = std::env::var("NETVAERK_TEST_POSTGRES").ok().filter(|url| !url.is_empty())?;
        let id = uuid::Uuid::now_v7().simple().to_string();
        Some(Self { url, schema: format!("{prefix}_{}", &id[id.len() - 16..]) })
    }

    /// The store address of the schema.
    pub fn address(&self) -> String {
        format!("{}?schema={}", self.url, self.schema)
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.url, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.schema));
        }
    }
}

/// The commands of a small history: founded by its secretary with a chief-forum member (AU-2),
/// the secretariat, a director area with a department, a round opened on 2016-03-01, and themes titled
/// `titles` proposed, qualified and prioritised in it (the first does not meet "new
/// perspectives", and the forum overrides that, TH-2).
pub fn small_history(titles: &[String]) -> Vec<Command> {
    let (secretary, chief) = (PersonId::from_uuid(id(1)), PersonId::from_uuid(id(2)));
    let (secretariat, area, department) =
        (UnitId::from_uuid(id(11)), UnitId::from_uuid(id(12)), UnitId::from_uuid(id(13)));
    let on = NaiveDate::from_ymd_opt(2016, 3, 1).unwrap();
    let by = |actor: PersonId, action: Action| Command::new(Metadata::new(actor, on), action);
    let mut commands = vec![
        // AU-2: the secretary founds the organisation with the chief as its chief forum.
        by(
            secretary,
            Action::FoundOrganisation {
                chief_forum: BTreeSet::from([chief]),
                secretariat: BTreeSet::from([secretary]),
            },
        ),
        by(secretary, Action::RegisterUnit { unit: secretariat, kind: UnitKind::Secretariat, parent: None }),
        by(secretary, Action::MovePerson { person: secretary, unit: secretariat }),
        by(secretary, Action::RegisterUnit { unit: area, kind: UnitKind::DirectorArea, parent: None }),
        by(
            secretary,
            Action::RegisterUnit { unit: department, kind: UnitKind::Department, parent: Some(area) },
        ),
        by(secretary, Action::MovePerson { person: chief, unit: area }),
        by(chief, Action::OpenRound { round: RoundId::containing(on) }),
    ];
    for (n, title) in titles.iter().enumerate() {
        let theme = ThemeId::from_uuid(id(100 + n as u128));
        commands.push(by(
            chief,
            Action::ProposeTheme {
                theme,
                title: title.clone(),
                challenge: "A challenge".to_owned(),
                proposed_by: chief,
                departments: vec![department],
                origins: BTreeSet::from([Origin::Below]),
            },
        ));
        // The first theme does not meet "new perspectives" (TH-2): the forum overrides that.
        let met = |criterion: Criterion| n > 0 || criterion != Criterion::NewPerspectives;
        let assessments = Criterion::ALL
            .iter()
            .map(|criterion| CriterionAssessment {
                criterion: *criterion,
                met: met(*criterion),
                note: "Assessed".to_owned(),
            })
            .collect();
        commands.push(by(chief, Action::QualifyTheme { theme, assessments }));
        let prioritise = by(
            chief,
            Action::PrioritiseTheme { theme, rank: n as u32 + 1, recommended_type: NetworkType::Welfare },
        );
        commands
            .push(prioritise.acknowledging(Acknowledgement::new(Rule::Th2, "Citizens join the test phase")));
    }
    commands
}

/// [`small_history`] with one theme, then a welfare network (`id(200)`) started on it, led by an
/// experienced leader (`id(3)`) with the chief-forum member (`id(2)`) as its reference leader;
/// and an employee (`id(4)`), outside the chief forum, who has opted in as reference leader on
/// its theme. Returns the commands and the chief's change of the network's reference leader to
/// the employee, which acknowledges the RL-3 warning that raises.
pub fn rl3_history() -> (Vec<Command>, Command) {
    let mut commands = small_history(&["Urban farming".to_owned()]);
    let (secretary, chief, leader, employee) = (
        PersonId::from_uuid(id(1)),
        PersonId::from_uuid(id(2)),
        PersonId::from_uuid(id(3)),
        PersonId::from_uuid(id(4)),
    );
    let (department, theme, network) =
        (UnitId::from_uuid(id(13)), ThemeId::from_uuid(id(100)), NetworkId::from_uuid(id(200)));
    let on = NaiveDate::from_ymd_opt(2016, 3, 1).unwrap();
    let by = |actor: PersonId, action: Action| Command::new(Metadata::new(actor, on), action);
    let register = |person| {
        by(secretary, Action::RegisterPerson { person, unit: Some(department), roles: BTreeSet::new() })
    };
    let mut start = by(
        chief,
        Action::StartNetwork {
            network,
            theme,
            network_type: NetworkType::Welfare,
            leader,
            co_driver: None,
            reference_leader: Some(chief),
        },
    );
    for rule in [Rule::Nw2, Rule::Nw3] {
        start = start.acknowledging(Acknowledgement::new(rule, "The forum starts it now"));
    }
    commands.extend([
        register(leader),
        by(
            secretary,
            Action::RegisterPriorExperience {
                person: leader,
                generation: 1,
                networks_led: 2,
                networks_co_driven: 1,
            },
        ),
        register(employee),
        by(chief, Action::AcceptReferenceRole { theme, person: chief }),
        by(employee, Action::AcceptReferenceRole { theme, person: employee }),
        start,
    ]);
    let change = by(
        chief,
        Action::ChangeReferenceLeader { network, to: employee, reason: "Runs the base unit".into() },
    )
    .acknowledging(Acknowledgement::new(Rule::Rl3, "Closest to the test site"));
    (commands, change)
}

/// Starts `command`, a `netvaerk serve` (or a shell that execs one) listening on a free port,
/// and reads the first line it prints, `listening on http://HOST:PORT`: the child, its standard
/// error piped or not as `command` says, and the base URL.
pub fn serving(command: &mut std::process::Command) -> (std::process::Child, String) {
    use std::io::BufRead as _;
    let mut child = command.stdout(std::process::Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("the server said {line:?}"))
        .to_owned();
    (child, base)
}
