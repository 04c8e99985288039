//! The core's messages in Danish, for the secretariat and the chief forum: every refusal
//! ([`DomainError::danish`]), every warning ([`Warning::danish`]), the id and policy problems,
//! and the vocabulary's words ([`Dansk`]). The matches are exhaustive, so a new refusal cannot
//! be added without its Danish; the terms are the seed's (`docs/glossary.tsv` holds the same
//! words for the reports, and a test keeps the two the same).

use crate::authority::Standing;
use crate::error::DomainError;
use crate::id::IdError;
use crate::policy::{DecidingBody, PolicyProblem};
use crate::state::ThemeStatus;
use crate::vocabulary::{
    Criterion, NetworkRole, NetworkType, Outcome, OutputKind, PoliticalLink, TeachingDay,
};
use crate::warning::Warning;

/// A vocabulary word in Danish.
pub trait Dansk {
    /// The Danish word.
    fn dansk(&self) -> &'static str;
}

impl Dansk for NetworkType {
    fn dansk(&self) -> &'static str {
        match self {
            Self::Learning => "læring",
            Self::Welfare => "velfærd",
            Self::Innovation => "innovation",
        }
    }
}

impl Dansk for ThemeStatus {
    fn dansk(&self) -> &'static str {
        match self {
            Self::Proposed => "foreslået",
            Self::Qualified => "kvalificeret",
            Self::Prioritised => "prioriteret",
            Self::Deferred => "udskudt",
            Self::Rejected => "afvist",
            Self::Withdrawn => "trukket tilbage",
            Self::InNetwork => "i et netværk",
            Self::Closed => "lukket",
        }
    }
}

impl Dansk for Outcome {
    fn dansk(&self) -> &'static str {
        match self {
            Self::Implemented => "implementeret",
            Self::HandedOnForScaling => "videregivet til opskalering",
            Self::KnowledgeShared => "viden delt",
            Self::Stopped => "stoppet",
        }
    }
}

impl Dansk for PoliticalLink {
    fn dansk(&self) -> &'static str {
        match self {
            Self::Unlinked => "ingen politisk kobling",
            Self::SubjectCommittee => "fagudvalg",
            Self::InnovationCommittee => "innovationsudvalget",
            Self::MunicipalCouncil => "Kommunalbestyrelsen",
        }
    }
}

impl Dansk for OutputKind {
    fn dansk(&self) -> &'static str {
        match self {
            Self::Product => "produkt",
            Self::Knowledge => "viden delt",
            Self::Effect => "effekt",
            Self::Handover => "overdragelse",
            Self::TestResult => "testresultat",
        }
    }
}

impl Dansk for Criterion {
    fn dansk(&self) -> &'static str {
        match self {
            Self::CitizenWelfare => "bedre velfærd for borgeren",
            Self::CurrentChallenge => "aktuel udfordring",
            Self::CrossCutting => "tværgående",
            Self::Complexity => "stor kompleksitet",
            Self::NewLearning => "ny læring",
            Self::Innovation => "innovation",
            Self::NewPerspectives => "nye perspektiver",
        }
    }
}

impl Dansk for NetworkRole {
    fn dansk(&self) -> &'static str {
        match self {
            Self::Leader => "netværksleder",
            Self::CoDriver => "co-driver",
            Self::ReferenceLeader => "referenceleder",
        }
    }
}

impl Dansk for Standing {
    fn dansk(&self) -> &'static str {
        match self {
            Self::ChiefForum => "chefforum",
            Self::SecretariatStaff => "sekretariatets faste medarbejdere",
            Self::Secretariat => "sekretariatet (fast eller i turnus)",
            Self::Leader => "netværkslederen",
            Self::CoDriver => "co-driveren",
            Self::ReferenceLeader => "referencelederen",
            Self::Proposer => "temaets forslagsstiller",
            Self::Themself => "personen selv",
            Self::PersonnelLeader => "personalelederen i kontrakten",
            Self::Founder => "en stifter af en ny organisation",
        }
    }
}

impl Dansk for DecidingBody {
    fn dansk(&self) -> &'static str {
        match self {
            Self::ChiefForum => "chefforum",
            Self::Secretariat => "sekretariatets faste medarbejdere",
        }
    }
}

/// An act's name in Danish words: `close_network` → "lukke netværket".
fn act_dansk(act: &str) -> &'static str {
    match act {
        "found_organisation" => "stifte organisationen",
        "register_unit" => "registrere en enhed",
        "name_unit" => "navngive en enhed",
        "register_person" => "registrere en person",
        "move_person" => "flytte en person til en anden enhed",
        "change_person_roles" => "ændre en persons roller",
        "register_prior_experience" => "registrere tidligere erfaring",
        "change_policy" => "ændre politikken",
        "open_round" => "åbne en runde",
        "close_round" => "lukke runden",
        "propose_theme" => "foreslå et tema",
        "qualify_theme" => "kvalificere et tema",
        "prioritise_theme" => "prioritere et tema",
        "defer_theme" => "udskyde et tema",
        "reject_theme" => "afvise et tema",
        "withdraw_theme" => "trække et tema tilbage",
        "refine_theme" => "tilpasse et tema",
        "accept_reference_role" => "melde en referenceleder til",
        "start_network" => "sætte et netværk i gang",
        "enter_phase" => "registrere en ny fase",
        "begin_test_phase" => "begynde testfasen",
        "add_participants" => "tilføje netværksdeltagere",
        "record_output" => "registrere et resultat",
        "replan_network" => "planlægge netværkets faser på ny",
        "close_network" => "lukke netværket",
        "change_reference_leader" => "skifte referenceleder",
        "attach_co_driver" => "tilknytte en co-driver",
        "change_co_driver" => "skifte co-driver",
        "agree_mandate_contract" => "registrere mandatkontrakten",
        "assess_competences" => "vurdere kompetencer",
        "form_cohort" => "danne et hold",
        "record_teaching_day" => "registrere en undervisningsdag",
        "pass_written_assignment" => "registrere den skriftlige opgave",
        "pass_oral_exam" => "registrere den mundtlige eksamen",
        "award_diploma" => "tildele diplomet",
        "start_rotation" => "begynde en turnus",
        "end_rotation" => "afslutte en turnus",
        "request_help" => "bede om hjælp",
        "record_personal_data" => "registrere eller rette personoplysninger",
        "erase_person" => "slette en persons oplysninger",
        "redact" => "fjerne ord fra loggen",
        _ => "gøre dette",
    }
}

impl Dansk for TeachingDay {
    fn dansk(&self) -> &'static str {
        match self {
            Self::WelfareAnew => "velfærd på ny",
            Self::ValueCreation => "værdiskabelse",
            Self::Innovation => "innovation",
            Self::FacilitationAndLeadership => "facilitering og ledelse i netværk",
            Self::NetworkAndBase => "netværket og basisorganisationen",
        }
    }
}

/// A field's name in Danish (the fields `decide` names in its refusals).
fn field(name: &str) -> &str {
    match name {
        "name" => "navnet",
        "title" => "titlen",
        "challenge" => "udfordringen",
        "note on the help needed" => "noten om den hjælp, der er brug for",
        "note on the refinement" => "noten om tilpasningen",
        "note on each criterion" => "noten til hvert kriterium",
        "reason for rejecting" => "begrundelsen for afvisningen",
        "reason for stopping" => "begrundelsen for at stoppe",
        "reason for the change" => "begrundelsen for skiftet",
        "reason for the new plan" => "begrundelsen for den nye plan",
        "what is tested" => "det, der testes",
        "what it produced" => "det, netværket frembragte",
        "tested" => "det, der testes",
        "description" => "beskrivelsen",
        "reason for withdrawing" => "begrundelsen for at trække temaet tilbage",
        "skills the rotation is for" => "de kompetencer, turnussen gælder",
        "terms of the mandate contract" => "vilkårene i mandatkontrakten",
        "rationale" => "begrundelsen",
        "rationale (their request)" => "begrundelsen (personens ønske)",
        "reason" => "begrundelsen",
        "note" => "noten",
        "phase" => "fasens navn",
        "funding" => "finansieringen",
        "terms" => "vilkårene",
        "skills" => "kompetencerne",
        "goal" => "målet",
        "success criterion" => "succeskriteriet",
        "reason for the revision" => "begrundelsen for revisionen",
        other => other,
    }
}

/// What was to be done to a theme, in Danish (`ThemeNotAvailable`'s action).
fn action(name: &str) -> &str {
    match name {
        "qualified" => "kvalificeres",
        "prioritised" => "prioriteres",
        "deferred" => "udskydes",
        "rejected" => "afvises",
        "withdrawn" => "trækkes tilbage",
        "refined" => "tilpasses",
        "taken on by a reference leader" => "få en referenceleder",
        "started as a network" => "startes som netværk",
        other => other,
    }
}

/// A recorded step of the diploma, in Danish (`AlreadyRecorded`'s step).
fn step(text: &str) -> String {
    match text {
        "written assignment" => "den skriftlige opgave".to_owned(),
        "oral exam" => "den mundtlige eksamen".to_owned(),
        other => other.replace("teaching day", "undervisningsdagen"),
    }
}

fn join<T: Dansk>(items: &[T]) -> String {
    items.iter().map(Dansk::dansk).collect::<Vec<_>>().join(", ")
}

impl Warning {
    /// The warning in Danish, naming its rule ([`Warning::rule`]) as the English does.
    pub fn danish(&self) -> String {
        format!("{} ({})", self.danish_text(), self.rule())
    }

    fn danish_text(&self) -> String {
        match self {
            Self::CriterionNotMet { theme, criterion } => {
                format!("temaet {theme} opfylder ikke kriteriet \"{}\"", criterion.dansk())
            }
            Self::StartsOutsideRange { half_year, count, expected } => format!(
                "{count} netværk i {half_year}, hvor NS3 starter {}-{} pr. halvår",
                expected.min, expected.max
            ),
            Self::TypeMixOutsideRange { half_year, network_type, count, expected } => format!(
                "{count} {}snetværk i {half_year}, hvor NS3 som oftest har {}-{}",
                network_type.dansk(),
                expected.min,
                expected.max
            ),
            Self::TypeNotRecommended { theme, recommended, network_type } => format!(
                "temaet {theme} starter som {}snetværk, hvor chefforum anbefalede {}snetværk",
                network_type.dansk(),
                recommended.dansk()
            ),
            Self::ReferenceLeaderOutsideForum { network, person } => {
                format!("{person}, den nye referenceleder for netværket {network}, sidder ikke i chefforum")
            }
            Self::NoMandateContract { network, phase } => format!(
                "netværket {network} går ind i {phase} uden en mandatkontrakt mellem netværksleder, referenceleder, personaleleder og sekretariatet"
            ),
            Self::CohortSizeOutsideRange { cohort, size, expected } => format!(
                "holdet {cohort} har {size} co-drivere, hvor NS3 uddanner {}-{}",
                expected.min, expected.max
            ),
            Self::CohortSoonerThanInterval { cohort, previous_formed_on, months, expected_months, .. } => format!(
                "holdet {cohort} dannes {months} måneder efter holdet fra {}, hvor NS3 uddanner et hold hver {expected_months}. måned",
                previous_formed_on.format("%d.%m.%Y")
            ),
            Self::OffMeetingDay { on, next } => {
                let next = next.map_or_else(String::new, |next| format!(" (det næste er {})", next.format("%d.%m.%Y")));
                format!("chefforum beslutter {}, hvor kalenderen ikke har et chefforummøde{next}", on.format("%d.%m.%Y"))
            }
        }
    }
}

impl IdError {
    /// The problem in Danish.
    pub fn danish(&self) -> String {
        match self {
            Self::Malformed { kind, input } => {
                let expected = match *kind {
                    "round" => "et halvår som 2016H2",
                    "rule" => "et regel-id som NW-4",
                    _ => "et UUID",
                };
                format!("{input:?} er ikke et gyldigt {kind}-id (forventet {expected})")
            }
            Self::MalformedDate { input } => {
                format!("{input:?} er ikke en dato: skriv 2016-06-30 eller 30.06.2016")
            }
        }
    }
}

impl PolicyProblem {
    /// The problem in Danish.
    pub fn danish(&self) -> String {
        match self {
            Self::EmptyRange { field } => format!("intervallet {field} har sit minimum over sit maksimum"),
            Self::EmptyPhasePlan { network_type } => {
                format!("faseplanen for {}snetværk har ingen faser (PR-5)", network_type.dansk())
            }
            Self::UnnamedPhase { network_type } => {
                format!("faseplanen for {}snetværk har en fase uden navn (PR-5)", network_type.dansk())
            }
            Self::DuplicatePhase { network_type, name } => format!(
                "faseplanen for {}snetværk nævner fasen {name:?} to gange (PR-5)",
                network_type.dansk()
            ),
            Self::SeveralTestPhases { network_type } => {
                format!("faseplanen for {}snetværk har mere end én testfase (TP-1)", network_type.dansk())
            }
            Self::OutOfBounds { field, value, bounds } => {
                format!("politikkens {field} er {value}, uden for {}", bounds.replace(" to ", " til "))
            }
            Self::TestInLearningPlan => {
                "et læringsnetværks faseplan har ingen testfase (NW-1, TP-1)".to_owned()
            }
            Self::TestNotLastBeforeImplementation { network_type } => format!(
                "i faseplanen for {}snetværk må implementering kun følge testfasen, og kun den (TP-1)",
                network_type.dansk()
            ),
        }
    }
}

impl DomainError {
    /// The refusal in Danish, naming the same rule as the English (from [`DomainError::rule`],
    /// as the English does).
    pub fn danish(&self) -> String {
        let text = self.danish_text();
        match self.message_rule() {
            Some(rule) => format!("{text} ({rule})"),
            None => text,
        }
    }

    fn danish_text(&self) -> String {
        use DomainError as E;
        match self {
            E::TextTooLong { field: name, length, max } => {
                format!("{} er {length} tegn lang; den må højst være {max}", field(name))
            }
            E::ForbiddenCharacter { field: name, character } => format!(
                "{} indeholder tegnet U+{:04X}, som ikke er tilladt (et kontroltegn eller en retningsændring)",
                field(name),
                u32::from(*character)
            ),
            E::ImplausibleDate { date } => format!(
                "datoen {} er ikke en troværdig forretningsdato (01.01.2000 til 31.12.2100)",
                date.format("%d.%m.%Y")
            ),
            E::OccursInFuture { occurred_on, today } => format!(
                "beslutningen er dateret {}, efter i dag ({}); beslutninger registreres, når de er truffet",
                occurred_on.format("%d.%m.%Y"),
                today.format("%d.%m.%Y")
            ),
            E::UnknownActor(person) => format!(
                "{person} er ikke en registreret person i denne organisation; sekretariatet registrerer personer"
            ),
            E::NotEntitled { actor, act, may, .. } => {
                let may: Vec<&str> = may.iter().map(Dansk::dansk).collect();
                let may = match may.split_last() {
                    Some((last, rest)) if !rest.is_empty() => format!("{} eller {last}", rest.join(", ")),
                    _ => may.concat(),
                };
                format!("{actor} må ikke {}: det må {may}", act_dansk(act))
            }
            E::NotFounded => "organisationen er ikke stiftet endnu: dens første beslutning stifter den (found_organisation) og udpeger dens første chefforum og sekretariat".to_owned(),
            E::AlreadyFounded => "organisationen er allerede stiftet; den stiftes én gang".to_owned(),
            E::FoundingWithout(body) => format!("en stiftelse udpeger mindst ét medlem af {}", body.dansk()),
            E::FounderNotNamed(person) => format!(
                "{person} stifter organisationen og skal derfor selv være blandt dens første chefforum eller sekretariat"
            ),
            E::OwnStanding { actor, act } => format!(
                "{actor} må ikke {} for sig selv: ingen giver sig selv en rolle",
                act_dansk(act)
            ),
            E::LastChiefForumMember(person) => format!(
                "{person} er det sidste medlem af chefforum, som organisationen har brug for til at beslutte; optag først et andet medlem"
            ),
            E::AlreadyInUnit { person, unit } => format!("{person} er allerede i enheden {unit}"),
            E::PersonOfAnotherOrganisation(person) => format!(
                "personoplysningerne om {person} hører til en anden organisation, hvis sekretariat fører dem"
            ),
            E::DatedBefore { on, since, date } => format!(
                "beslutningen er dateret {}, før {} den {}",
                on.format("%d.%m.%Y"),
                since.danish(),
                date.format("%d.%m.%Y")
            ),
            E::UnknownUnit(unit) => format!("der er ingen enhed {unit}"),
            E::UnknownPerson(person) => format!("der er ingen person {person}"),
            E::UnknownTheme(theme) => format!("der er intet tema {theme}"),
            E::UnknownNetwork(network) => format!("der er intet netværk {network}"),
            E::PoliticalLinkMisfit { network, network_type, link } => format!(
                "netværket {network} er et {}snetværk, som ikke spiller op til {}: et velfærdsnetværks er et fagudvalg, et innovationsnetværks innovationsudvalget, eller Kommunalbestyrelsen",
                network_type.dansk(),
                link.dansk()
            ),
            E::CommitteeWithoutSubjectCommittee { network, committee } => {
                format!("netværket {network}: et udvalg ({committee}) nævnes kun for et fagudvalg")
            }
            E::GoalsIncomplete { network, what, given } => format!(
                "netværket {network}: målene nævner mindst ét mål og ét succeskriterium, højst {} af hver ({}: {given} givet)",
                crate::MAX_GOALS,
                if *what == "goal" { "mål" } else { "succeskriterier" }
            ),
            E::GoalsRevisedWithoutReason(network) => {
                format!("netværket {network} har sine mål: en revision giver begrundelsen")
            }
            E::SuccessNotJudged { network, criteria } => format!(
                "netværket {network} har {criteria} succeskriterier: afslutningen siger, hvilke det nåede (ingen er en tom liste)"
            ),
            E::UnknownSuccessCriterion { network, number, criteria } => format!(
                "netværket {network} har intet succeskriterium {number} (det har {criteria}, nummereret fra 1)"
            ),
            E::NoForumMeetingsGiven => "ingen chefforummøder at planlægge eller aflyse".to_owned(),
            E::ForumMeetingScheduled(on) => {
                format!("chefforum har allerede et møde {}", on.format("%d.%m.%Y"))
            }
            E::NoForumMeeting(on) => format!("chefforum har intet møde {} at aflyse", on.format("%d.%m.%Y")),
            E::ForumMeetingTooFarAhead { day, latest } => format!(
                "et møde {} ligger for langt ude: kalenderen føres højst to år frem, til {}",
                day.format("%d.%m.%Y"),
                latest.format("%d.%m.%Y")
            ),
            E::ForumMeetingPassed(day) => format!(
                "mødet {} er overstået og aflyses ikke (der kan være truffet beslutninger på det)",
                day.format("%d.%m.%Y")
            ),
            E::DuplicateGoal { network, text } => format!("netværket {network}: {text:?} er givet to gange"),
            E::UnknownCohort(cohort) => format!("der er intet hold {cohort}"),
            E::UnitExists(unit) => format!("en enhed {unit} er allerede registreret"),
            E::PersonExists(person) => format!("en person {person} er allerede registreret"),
            E::ThemeExists(theme) => format!("et tema {theme} er allerede foreslået"),
            E::NetworkExists(network) => format!("et netværk {network} er allerede startet"),
            E::CohortExists(cohort) => format!("et hold {cohort} er allerede dannet"),
            E::BlankField { field: name, .. } => format!("{} må ikke være tom", field(name)),
            E::DepartmentOutsideDirectorArea { unit } => {
                format!("afdelingen {unit} skal høre under et registreret direktørområde")
            }
            E::DirectorAreaUnderUnit { unit } => {
                format!("direktørområdet {unit} kan ikke høre under en anden enhed")
            }
            E::MissingOrigin => {
                "et tema skal sige, hvor efterspørgslen kommer fra: nedefra, udefra eller oppefra".to_owned()
            }
            E::NoDepartment => "et tema skal nævne mindst én involveret afdeling".to_owned(),
            E::NotADepartment(unit) => format!("enheden {unit} er ikke en afdeling"),
            E::ProposerNotChiefForum(person) => {
                format!("{person} er ikke medlem af chefforum, som foreslår temaer")
            }
            E::InvalidGeneration { generation } => format!(
                "tidligere erfaring gælder netværksledere af 1. og 2. generation, ikke {generation}"
            ),
            E::ImplausiblePriorNetworks { count, max } => format!(
                "{count} netværk ledet eller co-drevet før NS3 er ikke troværdigt; højst {max}"
            ),
            E::NoPriorNetworks => {
                "tidligere erfaring skal omfatte mindst ét netværk ledet eller co-drevet".to_owned()
            }
            E::PriorExperienceExists(person) => {
                format!("tidligere erfaring for {person} er allerede registreret")
            }
            E::InvalidPolicy(problem) => format!("politikken er ikke gyldig: {}", problem.danish()),
            E::RoundAlreadyOpen { open } => {
                format!("runden {open} er stadig åben; luk den, før en ny åbnes")
            }
            E::RoundNotLater { round, latest } => {
                format!("runden {round} ligger ikke efter den seneste runde {latest}")
            }
            E::RoundNotDue { round, on } => format!(
                "runden {round} er hverken halvåret for {} eller det næste; chefforum åbner en runde hvert halve år",
                on.format("%d.%m.%Y")
            ),
            E::NotTestedYet { network, outcome } => format!(
                "netværket {network} har ikke begyndt sin testfase, så det kan ikke lukke som \"{}\"",
                outcome.dansk()
            ),
            E::StoppedInImplementation(network) => format!(
                "netværket {network} er i implementering; det lukker som implementeret eller videregivet til opskalering, ikke stoppet"
            ),
            E::NotACandidate(person) => {
                format!("{person} sidder i chefforum; et hold på diplomuddannelsen er for co-drivere og kandidater")
            }
            E::NoParticipants => "angiv mindst én netværksdeltager".to_owned(),
            E::ParticipantWithoutUnit(person) => format!(
                "{person} hører ikke til nogen enhed; en netværksdeltager trækker netværkets arbejde med tilbage i egen afdeling"
            ),
            E::ParticipantHoldsRole { person, network } => format!(
                "{person} leder eller er co-driver i netværket {network} og er derfor ikke også deltager"
            ),
            E::AlreadyParticipant { person, network } => {
                format!("{person} deltager allerede i netværket {network}")
            }
            E::OutputWithoutUnit { kind } => {
                format!("et resultat af typen \"{}\" angiver de enheder i basis, det gik til", kind.dansk())
            }
            E::TestResultBeforeTest(network) => {
                format!("netværket {network} har ikke påbegyndt sin testfase og har endnu intet testresultat")
            }
            E::NoOpenRound => "ingen runde er åben; chefforum beslutter om temaer i en åben halvårsrunde".to_owned(),
            E::RoundNotOpen { round } => format!("runden {round} er ikke den åbne runde"),
            E::ThemeNotAvailable { theme, status, action: wanted, .. } => {
                format!("temaet {theme} er {}, så det kan ikke {}", status.dansk(), action(wanted))
            }
            E::AssessmentIncomplete { missing } => format!(
                "vurderingen skal tage stilling til hvert kriterium; mangler: {}",
                join(missing)
            ),
            E::CriterionAssessedTwice(criterion) => {
                format!("vurderingen tager stilling til kriteriet \"{}\" mere end én gang", criterion.dansk())
            }
            E::NotQualified { theme, round } => format!(
                "temaet {theme} er ikke kvalificeret i runden {round}; chefforum kvalificerer et tema, før det prioriteres"
            ),
            E::RankZero => "prioriteringen begynder ved 1".to_owned(),
            E::RankTaken { round, rank, holder } => {
                format!("plads {rank} i runden {round} er allerede temaet {holder}s")
            }
            E::DeferTargetNotLater { round, to } => {
                format!("et tema udskydes til en senere runde end {round}, ikke {to}")
            }
            E::NetworkNotRunning(network) => format!("netværket {network} er lukket"),
            E::RolesNotDistinct { person, held, asked } => {
                format!("{person} kan ikke være både {} og {} i ét netværk", held.dansk(), asked.dansk())
            }
            E::AlreadyHoldsRole { person, network, role, .. } => {
                format!("{person} er allerede {} i netværket {network}", role.dansk())
            }
            E::InnovationLimitReached { running, max } => format!(
                "højst {max} innovationsnetværk må køre ad gangen, og {running} kører allerede"
            ),
            E::LeaderNotQualified { person, network_type } => format!(
                "{person} er ikke kvalificeret netværksleder (diplom og et netværk drevet før, NL-1), så personen må kun lede et læringsnetværk, ikke et {}snetværk",
                network_type.dansk()
            ),
            E::ReferenceLeaderNotAccepted { person, theme } => format!(
                "{person} har ikke sagt ja til at være referenceleder på temaet {theme}; en referenceleder melder sig aktivt"
            ),
            E::ReferenceAlreadyAccepted { person, theme } => {
                format!("{person} har allerede sagt ja til at være referenceleder på temaet {theme}")
            }
            E::LeaderHasAnotherReferenceLeader { leader, network, reference_leader } => format!(
                "{leader} leder netværket {network} med referencelederen {reference_leader}; en netværksleder har kun én referenceleder ad gangen"
            ),
            E::NoReferenceLeader { network_type } => {
                format!("et {}snetværk starter med sin referenceleder", network_type.dansk())
            }
            E::MandateWithoutReferenceLeader(network) => format!(
                "netværket {network} har endnu ingen referenceleder, som mandatkontrakten binder; tildel en først"
            ),
            E::InvalidPhasePlan { network, problem } => {
                let problem = problem.danish();
                format!(
                    "den nye faseplan for netværket {network} er ikke gyldig: {}",
                    crate::error::without_rule(&problem)
                )
            }
            E::ReplanChangesThePast { network, phase } => format!(
                "netværket {network} har været igennem {phase:?}; en ny plan beholder faserne indtil nu, i rækkefølge"
            ),
            E::FundingWithoutSource { amount } => {
                format!("en finansiering på {amount} kr. skal have sin kilde (en pulje, et budget, en bevilling)")
            }
            E::ImplausibleFunding { amount } => {
                format!("en finansiering på {amount} kr. er ikke troværdig: fra 1 kr. til 10.000.000.000 kr.")
            }
            E::NotTheLeadersPersonnelLeader { personnel_leader, leader } => format!(
                "{personnel_leader} er ikke i netværkslederen {leader}s afdeling (og ikke direktør for dens område), så er ikke personalelederen i mandatkontrakten"
            ),
            E::ReferenceLeaderNotChiefForum(person) => {
                format!("{person} er ikke medlem af chefforum, hvor referencelederne kommer fra")
            }
            E::ReferenceLeaderNotDirector(person) => format!(
                "{person} er ikke på direktørniveau, hvilket et innovationsnetværks referenceleder skal være"
            ),
            E::CoDriverAlreadyAttached { network, co_driver } => format!(
                "netværket {network} har allerede co-driveren {co_driver}, så mange som politikken tillader; skift en co-driver i stedet"
            ),
            E::NoCoDriver(network) => format!("netværket {network} har ingen co-driver at skifte; tilknyt en"),
            E::NotCoDriver { network, person } => format!("{person} er ikke co-driver i netværket {network}"),
            E::WhichCoDriver(network) => {
                format!("netværket {network} har flere co-drivere; angiv den, der går fra")
            }
            E::UnknownPhase { network, phase } => {
                format!("netværket {network} har ingen fase {phase:?} i sin faseplan")
            }
            E::PhaseOutOfOrder { network, phase } => format!(
                "netværket {network} er allerede forbi fasen {phase:?}; faserne følger planen i rækkefølge"
            ),
            E::PhaseSkipped { network, phase, skipped } => format!(
                "netværket {network} kan ikke gå ind i {phase:?} før {skipped:?}; faserne følger planen i rækkefølge"
            ),
            E::TestPhaseNeedsItsCommand { phase } => format!(
                "{phase:?} er testfasen; begynd den med testfase-kommandoen, som registrerer finansieringen"
            ),
            E::NoTestPhase(network) => {
                format!("netværket {network} har ingen testfase i sin plan (læringsnetværk har ingen)")
            }
            E::OutcomeNotForType { outcome, network_type } => format!(
                "et {}snetværk kan ikke lukke som \"{}\"",
                network_type.dansk(),
                outcome.dansk()
            ),
            E::NoRedactionReason => "en fjernelse af ord skal begrundes".to_owned(),
            E::NotSecretariat(person) => {
                format!("{person} arbejder ikke i sekretariatet, som er part i mandatkontrakten")
            }
            E::InvalidScore { score } => format!("en kompetencescore går fra 1 til 5, ikke {score}"),
            E::EmptyCompetenceAssessment => {
                "en kompetencevurdering scorer mindst én kompetence".to_owned()
            }
            E::EmptyCohort => "et hold skal have mindst én co-driver".to_owned(),
            E::AlreadyHoldsDiploma(person) => {
                format!("{person} har allerede diplomet i netværksledelse")
            }
            E::NotCohortMember { cohort, person } => format!("{person} er ikke på holdet {cohort}"),
            E::AlreadyRecorded { cohort, person, step: done } => {
                format!("{person} har allerede {} registreret på holdet {cohort}", step(done))
            }
            E::WrittenAssignmentFirst(person) => {
                format!("{person} skal bestå den skriftlige opgave før den mundtlige eksamen")
            }
            E::DiplomaIncomplete { person, missing_days, written, oral } => {
                let mut gaps = Vec::new();
                if !missing_days.is_empty() {
                    gaps.push(format!("{} undervisningsdag(e) mangler", missing_days.len()));
                }
                if !written {
                    gaps.push("den skriftlige opgave er ikke bestået".to_owned());
                }
                if !oral {
                    gaps.push("den mundtlige eksamen er ikke bestået".to_owned());
                }
                format!("{person} kan ikke få diplomet endnu: {}", gaps.join(", "))
            }
            E::RotationNotBounded { until } => {
                format!("en turnus skal slutte efter sin start, ikke den {}", until.format("%d.%m.%Y"))
            }
            E::AlreadyInRotation(person) => format!("{person} er allerede i turnus i sekretariatet"),
            E::NotInRotation(person) => format!("{person} er ikke i turnus i sekretariatet"),
            E::UnacknowledgedWarnings { warnings } => format!(
                "beslutningen kræver en kvittering med begrundelse: {}",
                warnings.iter().map(Warning::danish).collect::<Vec<_>>().join("; ")
            ),
        }
    }
}
