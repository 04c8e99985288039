//! The demo's themes as the chief forum and the networks told them: one entry per theme title,
//! with everything that belongs to that theme and no other: its burning platform and the
//! departments it concerns (TH-1), the forum's note on each criterion (TH-2) and its reasons,
//! the network's goals and success criteria and which were met (NW-6), how it narrowed its
//! challenge (TH-4), what it tested, showed and made (TP-1, TP-4), its contract's hours (RL-4)
//! and who took over as reference leader (TP-1). The plan in `demo.rs` looks an entry up by
//! its title; a person may edit the history here without reading the plan.
//!
//! The texts are Danish, as Albertslund's secretariat writes them. The departments are those
//! of `DEPARTMENTS`, by name.

use netvaerk_core::Criterion;

/// How a network on the theme ends (TP-2); a learning network shares its knowledge or stops.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum End {
    /// Knowledge shared back to the participants' units (a learning network).
    KnowledgeShared,
    /// Implemented in the base.
    Implemented,
    /// Handed on for scaling.
    HandedOn,
    /// Stopped, with the reason.
    Stopped(&'static str),
}

/// A revision of the success criteria (NW-6), after the challenge was narrowed.
pub(super) struct Revision {
    /// The criteria as revised; the goals stay.
    pub criteria: &'static [&'static str],
    /// Why.
    pub reason: &'static str,
}

/// One theme, told whole.
pub(super) struct Story {
    /// TH-1: the title, as proposed.
    pub title: &'static str,
    /// TH-1: the burning platform.
    pub challenge: &'static str,
    /// TH-1: the departments it concerns, by name; participants, test owners and handovers
    /// come from these, and the first two supply the reference leader and their successor.
    pub departments: &'static [&'static str],
    /// TH-2: the chief forum's note on each criterion, in `Criterion::ALL` order.
    pub notes: [&'static str; 7],
    /// TH-2: the criteria it does not meet.
    pub unmet: &'static [Criterion],
    /// The forum's reason as it prioritises, defers or rejects the theme.
    pub why: &'static str,
    /// Why the forum takes it although a criterion is unmet (TH-2), or defers it first.
    pub exception: &'static str,
    /// The start's minutes: why this network, now.
    pub start: &'static str,
    /// NW-6: the goals, framed by the network's type.
    pub goals: &'static [&'static str],
    /// NW-6: the success criteria it is judged by.
    pub criteria: &'static [&'static str],
    /// NW-6: a revision after the first intensive period.
    pub revision: Option<Revision>,
    /// NW-6: which criteria (of the latest set, from 1) the close finds met.
    pub met: &'static [u32],
    /// TH-4: the challenge as narrowed after the first intensive period.
    pub narrowed: Option<&'static str>,
    /// SN-2: a call for help: the staff function and what is needed.
    pub help: Option<(&'static str, &'static str)>,
    /// RL-4: the hours a week the leader gives in the intensive periods.
    pub hours: u32,
    /// TP-1: what the test phase tests.
    pub tested: &'static str,
    /// TP-4: what the test showed.
    pub result: &'static str,
    /// TP-4: the product of an implemented network.
    pub product: &'static str,
    /// TP-4: the effect of an implemented network.
    pub effect: &'static str,
    /// TP-4: the handover of one handed on for scaling, naming the units it goes to.
    pub handover: &'static str,
    /// TP-4: the knowledge a learning network shares back.
    pub knowledge: &'static str,
    /// TP-1: the department whose chief takes over as reference leader in the test phase (an
    /// innovation network: the other director), and why; `None`: no change.
    pub takes_over: Option<(&'static str, &'static str)>,
    /// TP-2: how it ends.
    pub end: End,
    /// The close's minutes.
    pub close: &'static str,
}

/// The fields a theme may leave out.
const BLANK: Story = Story {
    title: "",
    challenge: "",
    departments: &[],
    notes: [""; 7],
    unmet: &[],
    why: "",
    exception: "",
    start: "",
    goals: &[],
    criteria: &[],
    revision: None,
    met: &[],
    narrowed: None,
    help: None,
    hours: 4,
    tested: "",
    result: "",
    product: "",
    effect: "",
    handover: "",
    knowledge: "",
    takes_over: None,
    end: End::Implemented,
    close: "",
};

/// The story of the theme titled `title`.
pub(super) fn story(title: &str) -> &'static Story {
    STORIES.iter().find(|story| story.title == title).unwrap_or(&BLANK)
}

use Criterion::{Complexity, CrossCutting, Innovation, NewLearning, NewPerspectives};

/// Every theme of the demo, in the order the half-years propose them.
pub(super) const STORIES: &[Story] = &[
    // 2014H2
    Story {
        title: "Deleøkonomi i Albertslund",
        challenge: "Borgerne deler allerede biler, værktøj og haver, men kommunen ved ikke, hvordan den kan understøtte det, og afdelingerne svarer forskelligt på de samme henvendelser",
        departments: &["Byudvikling", "Miljø og Klima", "Kultur og Fritid"],
        notes: [
            "Delte biler og værktøj giver borgere med små midler adgang til mere",
            "Delebilsforeningen og to boligforeninger har bedt om lokaler i år",
            "Rører ved planlægning, miljø og foreningsliv på én gang",
            "Ingen ved endnu, hvad kommunens rolle i deleøkonomien skal være",
            "Vi mangler viden om deleøkonomiens regler og former: det bærende kriterium",
            "Kan frigøre kommunale lokaler og biler uden for åbningstiden",
            "Foreningerne, boligselskaberne og delebilsfirmaerne skal med fra start",
        ],
        why: "Et læringstema: ingen afdeling ved nok om deleøkonomi til at svare borgerne, og foreningerne venter på et svar",
        start: "Deltagerne fra Byudvikling, Miljø og Klima og Kultur og Fritid samler viden om deleøkonomi og bringer den hjem",
        goals: &[
            "Afdelingerne kender deleøkonomiens former og reglerne for dem",
            "Hver deltager bringer eksempler fra andre kommuner hjem til sin afdeling",
        ],
        criteria: &[
            "Et oplæg om deleøkonomi på hver deltagers personalemøde",
            "Én fælles vejledning til borgere, der vil dele",
            "Mindst tre eksempler fra andre kommuner beskrevet",
        ],
        met: &[1, 3],
        knowledge: "Oplæg om deleøkonomi på personalemøderne i Byudvikling, Miljø og Klima og Kultur og Fritid, med eksempler fra Aarhus, Frederiksberg og Roskilde",
        end: End::KnowledgeShared,
        close: "Deleøkonomien er bragt hjem i deltagernes afdelinger; vejledningen til borgerne venter på en afklaring af reglerne for udlån",
        ..BLANK
    },
    Story {
        title: "Fælles plan for borgeren på tværs af afdelinger",
        challenge: "Borgere med sager i Jobcentret, Social og Handicap og Ældre og Sundhed har tre planer, der ikke kender hinanden, og fortæller deres historie forfra hver gang",
        departments: &["Social og Handicap", "Jobcenter", "Ældre og Sundhed"],
        notes: [
            "Borgeren får én plan og én kontaktperson i stedet for tre",
            "Klagerne over planer, der modsiger hinanden, er steget det seneste år",
            "Planerne ligger i tre afdelinger og tre fagsystemer",
            "Hvem der skal eje en fælles plan, er uafklaret",
            "Medarbejderne skal lære hinandens lovgivning at kende",
            "En fælles plan kan spare dobbeltbesøg og dobbelte møder",
            "Borgerne skal være med til at forme planen",
        ],
        why: "Borgere med tre planer er den tydeligste silo i kommunen; tre afdelinger vil løse den sammen",
        start: "Social og Handicap, Jobcentret og Ældre og Sundhed lægger hver en medarbejder i netværket om den fælles plan",
        goals: &[
            "Borgere med sager i flere afdelinger har én fælles plan",
            "Borgeren fortæller sin historie én gang",
        ],
        criteria: &[
            "Halvdelen af borgerne i testen har én fælles plan",
            "Medarbejderne i de tre afdelinger bruger planen",
            "Ingen borger i testen har mere end én kontaktperson",
        ],
        met: &[1, 2],
        narrowed: Some("Borgere med sager i mindst tre afdelinger, hvor planerne oftest modsiger hinanden og borgeren har flest møder"),
        hours: 6,
        tested: "En fælles plan med én kontaktperson for 20 borgere med sager i tre afdelinger, i otte uger",
        result: "17 af de 20 borgere fik én plan; de tre sidste havde også en sag i Børn og Familie, som ikke var med",
        product: "En skabelon til den fælles plan og en aftale om, hvem der er borgerens kontaktperson",
        effect: "Borgerne i testen gik fra fem møder til to i gennemsnit; fremlagt for Social- og Sundhedsudvalget",
        takes_over: Some(("Jobcenter", "Planen skal drives fra Jobcentret, hvis chef har budgettet til den fælles kontaktperson")),
        close: "Den fælles plan er implementeret i de tre afdelinger; én kontaktperson for alle lykkedes ikke, fordi Børn og Familie ikke var med",
        ..BLANK
    },
    Story {
        title: "Ren luft omkring skolerne",
        challenge: "Forældre kører børnene helt til skoleporten, og målinger ved tre skoler viser for meget kvælstofdioxid om morgenen",
        departments: &["Miljø og Klima", "Skole og Dagtilbud", "Byudvikling"],
        notes: [
            "Børnene trækker vejret i luften ved skoleporten hver morgen",
            "Målingerne fra foråret 2014 er nye, og forældrene spørger",
            "Trafik, skoleveje og miljø hører til tre afdelinger",
            "Vaner, trafik og vejr spiller sammen; der er ingen enkel løsning",
            "Vi ved for lidt om, hvad der får forældre til at lade bilen stå",
            "Bilfri skolezoner er ikke prøvet i Albertslund",
            "Forældre, elever og politiet skal med",
        ],
        why: "Målingerne ved skolerne er nye og konkrete, og Miljø og Klima og Skole og Dagtilbud vil tage temaet sammen",
        start: "Netværket får målingerne fra de tre skoler og skolebestyrelsernes opbakning med fra start",
        goals: &["Færre biler ved skoleporten om morgenen", "Børnene går eller cykler den sidste del af vejen"],
        criteria: &[
            "Kvælstofdioxid ved de tre skoler under grænseværdien om morgenen",
            "En tredjedel færre biler ved porten i testugerne",
            "Skolebestyrelserne bakker op om ordningen",
        ],
        met: &[2, 3],
        help: Some(("communication", "Et brev og en plakat til forældrene om den bilfri zone")),
        hours: 4,
        tested: "En bilfri zone på 200 meter om tre skoler i fire uger, med afsætningspladser længere væk",
        result: "Bilerne ved portene faldt med 40 procent; luften blev bedre, men ikke under grænseværdien ved Herstedøster Skole",
        product: "Bilfri skolezoner med skiltning og en drejebog for skolerne",
        effect: "Andelen af børn, der cykler til skole, steg fra 48 til 63 procent; fremlagt for Miljø- og Teknikudvalget",
        close: "Skolezonerne er implementeret ved de tre skoler; luften ved den ene skole kræver mere end en zone",
        ..BLANK
    },
    Story {
        title: "Hurtigere hjælp efter et fald",
        challenge: "Ældre, der falder i eget hjem, venter op til to timer på hjælp, fordi nødkald, hjemmepleje og bostøtte ikke ser hinandens vagter",
        departments: &["Ældre og Sundhed", "Social og Handicap"],
        notes: [
            "Et langt fald kan koste den ældre førligheden",
            "Tre alvorlige sager i 2014 har sat det på dagsordenen",
            "Nødkald, hjemmepleje og handicapområdets bostøtte skal spille sammen",
            "Ventetiden har flere årsager: vagtplaner, nøgler og løfteudstyr",
            "Vi kender ikke faldenes mønster på tværs af ordningerne",
            "Vagter og udstyr, vi allerede har, kan bruges bedre",
            "De ældre og de pårørende ved, hvor hjælpen går i stå",
        ],
        why: "Ventetiden efter et fald er målbar og alvorlig, og hjemmeplejen og bostøtten har selv bedt om temaet",
        start: "Nødkaldet, hjemmeplejen og bostøtten deltager; netværket begynder i distrikt Nord, hvor ventetiden er længst",
        goals: &[
            "Ældre, der er faldet, får hjælp inden for en halv time",
            "Den nærmeste medarbejder med udstyr rykker ud, uanset ordning",
        ],
        criteria: &[
            "Ventetiden efter et fald under 30 minutter i ni af ti tilfælde",
            "Én fælles vagtoversigt for nødkald, hjemmepleje og bostøtte",
            "Ingen ældre ligger over en time i testperioden",
        ],
        met: &[1, 2, 3],
        hours: 5,
        tested: "En fælles vagtoversigt og udrykning på tværs af ordningerne i distrikt Nord, i seks uger",
        result: "Ventetiden efter et fald faldt fra 75 til 22 minutter i gennemsnit, og ingen lå over en time",
        product: "En fælles vagtoversigt og en udrykningsinstruks for nødkald, hjemmepleje og bostøtte",
        effect: "Ingen ældre i distrikt Nord lå over en time efter et fald i de første tre måneder efter implementeringen",
        takes_over: Some(("Social og Handicap", "Bostøtten skal bære udrykningen om natten, og Social og Handicaps chef har vagtbudgettet")),
        close: "Den fælles udrykning er implementeret i distrikt Nord; alle tre succeskriterier er nået",
        ..BLANK
    },
    Story {
        title: "Parkeringsskilte i den gamle bydel",
        challenge: "Skiltningen i den gamle bydel er uklar, og beboerne får parkeringsafgifter, de ikke forstår",
        departments: &["Byudvikling"],
        notes: [
            "Beboerne sparer afgifter; en lille gevinst",
            "Beboerforeningen har klaget i foråret",
            "Byudvikling kan løse det alene",
            "Løsningen er kendt: nye skilte",
            "Der er ikke noget nyt at lære",
            "Skilte er ikke en ny løsning",
            "Beboerforeningen har selv peget på skiltene",
        ],
        unmet: &[CrossCutting, Complexity, NewLearning, Innovation],
        why: "Byudvikling retter skiltene selv; der er intet at løse på tværs",
        ..BLANK
    },
    // 2015H1
    Story {
        title: "Frivillighed: nye former for medborgerskab",
        challenge: "Flere borgere vil give en hånd med, men kortvarigt og uden at melde sig ind i en forening, og afdelingerne ved ikke, hvordan de tager imod dem",
        departments: &["Kultur og Fritid", "Ældre og Sundhed", "Social og Handicap"],
        notes: [
            "Frivillige kan give ældre og udsatte mere samvær",
            "Frivilligcentret har en venteliste af borgere, der vil hjælpe",
            "Frivillige møder kultur-, ældre- og socialområdet",
            "Grænsen mellem frivilligt og lønnet arbejde er uklar",
            "Vi mangler viden om de nye, korte former for frivillighed",
            "Nye roller for frivillige kan supplere kerneopgaverne",
            "Frivilligcentret og foreningerne skal være med",
        ],
        why: "Frivilligcentrets venteliste viser, at borgerne er klar; afdelingerne mangler viden om at tage imod dem",
        start: "Deltagerne fra kultur-, ældre- og socialområdet lærer af frivilligcentret og bringer det hjem",
        goals: &[
            "Afdelingerne ved, hvordan de tager imod kortvarige frivillige",
            "Deltagerne bringer frivilligcentrets erfaringer hjem til deres afdelinger",
        ],
        criteria: &[
            "Hver deltagers afdeling har drøftet frivillige på et personalemøde",
            "En fælles ramme for frivillige i de tre afdelinger",
            "Frivilligcentrets venteliste er halveret",
        ],
        met: &[1, 2],
        knowledge: "En ramme for korte frivilligforløb, gennemgået på personalemøder i Kultur og Fritid, Ældre og Sundhed og Social og Handicap",
        end: End::KnowledgeShared,
        close: "Rammen for frivillige er delt i de tre afdelinger; ventelisten er kortere, men ikke halveret",
        ..BLANK
    },
    Story {
        title: "Færre udeblivelser i Jobcentret",
        challenge: "Hver femte borger udebliver fra samtaler i Jobcentret og mister ydelsen, selv om mange har en psykisk sårbarhed, som Social og Handicap kender",
        departments: &["Jobcenter", "Social og Handicap"],
        notes: [
            "Sanktionerne rammer de mest sårbare ledige",
            "Udeblivelserne er steget to år i træk",
            "Jobcentret og socialpsykiatrien kender hver sin halvdel af borgeren",
            "Angst, misbrug og breve, der ikke bliver læst: mange årsager",
            "Vi ved ikke, hvem der udebliver og hvorfor",
            "En påmindelse og en fælles første samtale er ikke prøvet",
            "Borgerne selv kan fortælle, hvad der holder dem væk",
        ],
        why: "Udeblivelserne koster borgerne ydelsen og Jobcentret samtaletid, og Social og Handicap kender årsagerne",
        start: "Jobcentret og socialpsykiatrien får hver en plads i netværket; sagsbehandlerne henter borgernes forklaringer",
        goals: &["Færre borgere udebliver fra samtaler i Jobcentret", "Sårbare borgere mødes af en, de kender"],
        criteria: &[
            "Udeblivelserne falder fra 20 til 10 procent i testen",
            "Færre sanktioner for borgere med en sag i socialpsykiatrien",
            "Sagsbehandlerne i begge afdelinger bruger den nye påmindelse",
        ],
        revision: Some(Revision {
            criteria: &[
                "Udeblivelserne blandt ledige med en sag i socialpsykiatrien falder fra 35 til 20 procent",
                "Færre sanktioner for borgere med en sag i socialpsykiatrien",
                "Sagsbehandlerne i begge afdelinger bruger den nye påmindelse",
            ],
            reason: "Efter første intensive periode er temaet indsnævret til ledige med en sag i socialpsykiatrien; det første kriterium måles nu på dem",
        }),
        met: &[1, 3],
        narrowed: Some("Ledige med en sag i socialpsykiatrien udebliver fra hver tredje samtale; dér er udeblivelserne flest"),
        hours: 5,
        tested: "En sms-påmindelse og en fælles første samtale med bostøtten for 30 ledige, i seks uger",
        result: "Udeblivelserne i testgruppen faldt fra 35 til 18 procent; bostøtten var med til de fleste første samtaler",
        product: "En fælles påmindelse og en aftale om bostøttens deltagelse i den første samtale",
        effect: "Sanktionerne mod borgere med en sag i socialpsykiatrien faldt med en tredjedel det følgende halvår",
        takes_over: Some(("Social og Handicap", "Bostøttens deltagelse i samtalerne betales af Social og Handicap, hvis chef tager over")),
        close: "Påmindelsen og den fælles samtale er implementeret; om sanktionerne falder, kan først ses næste halvår",
        ..BLANK
    },
    Story {
        title: "Velkommen til nye borgere",
        challenge: "Nye borgere i de nye boligområder finder hverken dagtilbud, foreninger eller naboer, og mange flytter igen inden for to år",
        departments: &["Kultur og Fritid", "Skole og Dagtilbud", "Byudvikling"],
        notes: [
            "Et godt første år gør tilflytterne til albertslundere",
            "Byggeriet i Albertslund Syd bringer 600 nye husstande",
            "Dagtilbud, foreninger og byplan er tre afdelinger",
            "Hvorfor folk flytter igen, ved vi ikke præcist",
            "Vi lærer, hvad tilflyttere spørger om",
            "Et velkomstforløb med foreningerne er nyt her",
            "Foreninger, boligselskaber og tilflytterne selv",
        ],
        why: "Byggeriet i Albertslund Syd gør temaet aktuelt nu; tre afdelinger møder de samme tilflyttere",
        start: "Netværket begynder i Albertslund Syd, hvor de første 200 husstande flytter ind i år",
        goals: &[
            "Nye familier finder dagtilbud og foreninger i deres første måned",
            "Færre tilflyttere flytter igen inden for to år",
        ],
        criteria: &[
            "Alle nye husstande i testen får et velkomstbesøg",
            "Halvdelen af de besøgte melder sig til en forening eller aktivitet",
            "Færre fraflytninger efter to år",
        ],
        met: &[1, 2],
        hours: 3,
        tested: "Velkomstbesøg med en foreningsguide hos 40 nye husstande i Albertslund Syd",
        result: "32 af 40 husstande tog imod besøget, og 21 meldte sig til en forening eller aktivitet",
        product: "Et velkomstbesøg og en guide til foreninger og dagtilbud",
        effect: "Foreningerne i Albertslund Syd fik 60 nye medlemmer det første år",
        close: "Velkomstbesøgene er implementeret; om færre flytter igen, kan først ses om to år",
        ..BLANK
    },
    Story {
        title: "En værdig død i eget hjem",
        challenge: "Mange ældre ønsker at dø hjemme, men bliver indlagt de sidste dage, fordi sygeplejen, hjemmeplejen og lægerne ikke er koordineret om natten",
        departments: &["Ældre og Sundhed", "Social og Handicap"],
        notes: [
            "Den sidste tid er afgørende for den døende og de pårørende",
            "Flere ønsker at dø hjemme, og hospitalerne udskriver tidligere",
            "Sygepleje, hjemmepleje og bostøtte skal dække døgnet sammen",
            "Etik, medicin og nattevagter hænger sammen",
            "Vi mangler viden om lindrende pleje i hjemmeplejen",
            "En lindrende nattevagt på tværs af ordningerne er ny",
            "Hospice, de praktiserende læger og de pårørende skal med",
        ],
        why: "Ønsket om at dø hjemme bliver for sjældent opfyldt, og sygeplejen har selv bedt om temaet",
        start: "Netværket får en sygeplejerske fra hospice og en praktiserende læge med som gæster",
        goals: &["Døende, der ønsker det, dør i eget hjem", "Pårørende ved, hvem de ringer til om natten"],
        criteria: &[
            "Flere døende dør hjemme, som de ønskede",
            "Ét telefonnummer til de pårørende døgnet rundt",
            "Færre akutte indlæggelser i den sidste uge",
        ],
        met: &[1, 2, 3],
        hours: 5,
        tested: "En lindrende nattevagt og ét telefonnummer for de pårørende hos 15 døende borgere",
        result: "13 af 15 døde hjemme, som de ønskede; to blev indlagt efter aftale med deres læge",
        product: "En lindrende nattevagt og en vejledning til de pårørende",
        effect: "Andelen, der døde hjemme som ønsket, steg fra 40 til 70 procent det følgende år",
        close: "Den lindrende nattevagt er implementeret; alle tre kriterier er nået",
        ..BLANK
    },
    Story {
        title: "Urban farming i Albertslund?",
        challenge: "Kommunen ejer store grønne arealer, der kun bliver slået, mens borgerne efterspørger steder at dyrke egen mad og mødes",
        departments: &["Byudvikling", "Miljø og Klima", "Kultur og Fritid"],
        notes: [
            "Fælles dyrkning giver fællesskab og sundere mad",
            "Politikerne har skrevet urban farming ind i visionen for 2015",
            "Arealer, miljø og foreningsliv er tre afdelinger",
            "Ingen ved, hvem der skal drive det, eller hvad det koster",
            "Vi ved ikke, hvordan andre byer har organiseret det",
            "Kan give nye grønne erhverv og lavere udgifter til græsslåning",
            "Boligforeninger, skoler og en landbrugsskole vil være med",
        ],
        why: "Innovationsudvalgets vision peger på urban farming; arealerne findes, men ingen model for driften",
        start: "Et innovationsnetværk med en direktør som referenceleder, sådan som visionen fra Innovationsudvalget kræver",
        goals: &[
            "Afprøve en model, hvor borgerne dyrker kommunens arealer",
            "Give modellen videre til opskalering i flere bydele",
        ],
        criteria: &[
            "Tre dyrkningsfællesskaber på kommunale arealer i testsæsonen",
            "En driftsmodel, som boligforeningerne vil overtage",
            "Udgiften til pleje af de tre arealer falder",
        ],
        met: &[1, 2],
        help: Some(("legal", "Må borgerne dyrke og sælge afgrøder fra kommunens arealer?")),
        hours: 6,
        tested: "Tre dyrkningsfællesskaber på kommunale græsarealer i én sæson",
        result: "Tre fællesskaber dyrkede arealerne med 80 borgere, og to boligforeninger vil overtage driften",
        handover: "Driftsmodellen overdraget til opskalering i Byudvikling og Miljø og Klima, der udvider til fem bydele, og Kultur og Fritid, der formidler foreningerne",
        end: End::HandedOn,
        close: "Urban farming er givet videre til opskalering; plejeudgiften kan ikke opgøres efter én sæson",
        ..BLANK
    },
    Story {
        title: "Færre overdragelser for svækkede ældre",
        challenge: "En svækket ældre møder op til tolv forskellige medarbejdere på en uge, fordi hjælpen er delt mellem hjemmepleje, sygepleje og bostøtte",
        departments: &["Ældre og Sundhed", "Social og Handicap"],
        notes: [
            "Færre ansigter giver den ældre tryghed",
            "Pårørende klager over de mange skift",
            "Hjemmepleje, sygepleje og bostøtte deler den samme borger",
            "Vagtplaner og faglige grænser spiller sammen",
            "Vi ved ikke, hvor mange overdragelser der er nødvendige",
            "Faste teams på tværs er ikke prøvet",
            "De ældre og de pårørende skal fortælle, hvad der gør en forskel",
        ],
        why: "De nye vagtplaner er på plads, og de mange skift hos de svækkede ældre kan nu tages op på tværs",
        exception: "Et reelt problem, men begge afdelinger omlægger vagtplanerne i sommer; udskudt til efterårets runde",
        start: "Nu er vagtplanerne omlagt, og netværket kan prøve faste teams på tværs",
        goals: &[
            "Svækkede ældre møder færre forskellige medarbejdere",
            "De ældre føler sig trygge ved dem, der kommer",
        ],
        criteria: &[
            "Højst seks forskellige medarbejdere om ugen hos de ældre i testen",
            "De ældre i testen er mere trygge i en opfølgende samtale",
            "Ingen flere timer i hjemmeplejen",
        ],
        met: &[],
        hours: 4,
        tested: "Faste teams på tværs af hjemmepleje, sygepleje og bostøtte hos 25 svækkede ældre i otte uger",
        result: "Antallet af medarbejdere faldt kun fra tolv til ti om ugen, og de ældre mærkede ingen forskel",
        end: End::Stopped("Testen viste ingen gevinst for borgerne: vagtplanerne kan ikke samle teamene"),
        close: "Stoppet efter testen; ingen af kriterierne blev nået, og erfaringen går med i næste vagtplanlægning",
        ..BLANK
    },
    // 2015H2
    Story {
        title: "Datainformeret ledelse",
        challenge: "Lederne har data om ventetider, fravær og økonomi i fem systemer, men bruger dem sjældent, når de prioriterer",
        departments: &["Jobcenter", "Børn og Familie", "Skole og Dagtilbud", "Ældre og Sundhed"],
        notes: [
            "Indirekte: bedre prioriteringer kommer borgerne til gode",
            "Budgetpresset kræver bedre beslutningsgrundlag i år",
            "Alle fire afdelinger har egne data og egne systemer",
            "Hvilke tal der bør styre hvad, er uafklaret",
            "Vi mangler viden om at bruge data i ledelse: det bærende kriterium",
            "Fælles nøgletal kan frigøre tid til analyse",
            "Et internt tema: ledernes brug af egne data, uden borgere og partnere",
        ],
        unmet: &[NewPerspectives],
        why: "Et læringstema, som lederne selv har efterspurgt; de fire afdelinger med flest data deltager",
        exception: "Et internt tema uden borgerne; forummet tager det, fordi lederne skal kunne bruge data, før borgerne kan mærke det",
        start: "Deltagerne fra fire afdelinger lærer at bruge egne data og underviser deres kolleger bagefter",
        goals: &[
            "Lederne i de fire afdelinger bruger data, når de prioriterer",
            "Deltagerne bringer metoderne hjem til deres ledergrupper",
        ],
        criteria: &[
            "Hver deltager har vist sin ledergruppe et eksempel med egne data",
            "Tre fælles nøgletal aftalt mellem afdelingerne",
        ],
        met: &[1],
        knowledge: "Et kort forløb om data i ledelse, holdt af deltagerne for ledergrupperne i Jobcentret, Børn og Familie, Skole og Dagtilbud og Ældre og Sundhed",
        end: End::KnowledgeShared,
        close: "Deltagerne har undervist deres ledergrupper; fælles nøgletal krævede mere, end et læringsnetværk kan aftale",
        ..BLANK
    },
    Story {
        title: "Tidlig hjælp til udsatte børn",
        challenge: "Pædagoger og lærere ser tegn på mistrivsel længe før en underretning, men ved ikke, hvem i Børn og Familie de kan tale med",
        departments: &["Børn og Familie", "Skole og Dagtilbud"],
        notes: [
            "Hjælp et år tidligere kan ændre et barns skolegang",
            "Underretningerne er steget med en fjerdedel",
            "Dagtilbud, skole og familieafdeling ser det samme barn",
            "Tavshedspligt, forældresamarbejde og faglighed spiller sammen",
            "Vi ved for lidt om de tidlige tegn på tværs",
            "Anonym sparring før underretning er ikke prøvet",
            "Forældrene og sundhedsplejen skal med",
        ],
        why: "Underretningerne kommer for sent; dagtilbuddene og skolerne beder selv om en vej ind til Børn og Familie",
        start: "Netværket får pædagoger, lærere og socialrådgivere fra Børn og Familie om samme bord",
        goals: &[
            "Udsatte børn får hjælp, før der er brug for en underretning",
            "Pædagoger og lærere ved, hvem de kan tale med",
        ],
        criteria: &[
            "Sparring med en socialrådgiver inden for en uge i alle testinstitutioner",
            "Flere tidlige forebyggende indsatser end året før",
            "Pædagogerne i testen ved, hvem de skal ringe til",
        ],
        met: &[1, 3],
        hours: 4,
        tested: "En fast socialrådgiver med træffetid i to daginstitutioner og en skole, i ti uger",
        result: "Rådgiveren fik 34 henvendelser; 11 børn fik en forebyggende indsats uden underretning",
        product: "Faste træffetider med en socialrådgiver i daginstitutioner og skoler",
        effect: "Flere sager starter forebyggende; tallet for det følgende år er endnu ikke opgjort",
        close: "Træffetiderne er implementeret i alle dagtilbud og skoler; effekten på indsatserne kan først opgøres næste år",
        ..BLANK
    },
    Story {
        title: "Borgernær rehabilitering",
        challenge: "Borgere, der har mistet funktionsevne, trænes på centret, men taber det igen hjemme, fordi træningen ikke følger dem ind i hverdagen",
        departments: &["Ældre og Sundhed", "Social og Handicap"],
        notes: [
            "Borgeren beholder det, der er trænet op",
            "Genoptræningsplanerne fra hospitalet er flere end nogensinde",
            "Træning, hjemmepleje og bostøtte skal arbejde sammen",
            "Motivation, hjem og hjælpere spiller ind",
            "Vi ved ikke, hvad der gør træningen varig hjemme",
            "Træning i hjemmet med hjemmeplejen er nyt",
            "Borgerne og de pårørende skal sætte målene",
        ],
        why: "Træningen går tabt hjemme; ældre- og handicapområdet deler de samme borgere",
        start: "Terapeuter og hjemmehjælpere fra to afdelinger lægger en plan for træning i hjemmet",
        goals: &[
            "Borgerne beholder den funktionsevne, de har trænet op",
            "Træningen fortsætter i hjemmet med hjemmeplejen",
        ],
        criteria: &[
            "To af tre borgere i testen har samme funktionsevne efter tre måneder",
            "Hjemmeplejen træner med borgeren i hverdagen",
            "Færre timers hjemmehjælp efter forløbet",
        ],
        met: &[1, 2],
        hours: 4,
        tested: "Træning i hjemmet med hjemmeplejen som makker for 18 borgere efter genoptræning, i tre måneder",
        result: "13 af 18 havde samme funktionsevne efter tre måneder; hjemmehjælpen faldt ikke endnu",
        product: "En træningsplan, som hjemmeplejen følger i hjemmet",
        effect: "Færre borgere kom tilbage til genoptræning det følgende halvår",
        takes_over: Some(("Social og Handicap", "Træningen i bostøttens hjem skal drives af Social og Handicap, hvis chef tager over")),
        close: "Træningen i hjemmet er implementeret; timerne i hjemmeplejen er ikke faldet endnu",
        ..BLANK
    },
    Story {
        title: "Én plan for familier med mange sager",
        challenge: "Familier med sager i Børn og Familie, Jobcentret og Social og Handicap har op til ti sagsbehandlere og ingen samlet plan",
        departments: &["Børn og Familie", "Jobcenter", "Social og Handicap"],
        notes: [
            "Familien får én plan og færre møder",
            "Tre familier har klaget til borgerrådgiveren i år",
            "Tre afdelinger og to lovgivninger om den samme familie",
            "Mange aktører, hver med sin lov og sin frist",
            "Vi ved ikke, hvad familierne selv ønsker af en plan",
            "En familiekoordinator på tværs er ny",
            "Familierne skal være med fra start",
        ],
        why: "Familierne med flest sager koster mest og får mindst ud af det; tre afdelinger vil samle planen",
        start: "Netværket lærer af planen for borgere på tværs af afdelinger og prøver den på familier",
        goals: &["Familier med mange sager har én plan", "Familien har én koordinator"],
        criteria: &[
            "Ti familier i testen har én fælles plan",
            "Familierne har halvt så mange møder",
            "Sagsbehandlerne vil fortsætte efter testen",
        ],
        met: &[1, 3],
        hours: 5,
        tested: "En familiekoordinator og én fælles plan for ti familier med sager i tre afdelinger",
        result: "Alle ti familier fik én plan; møderne faldt med en tredjedel, ikke halvdelen",
        handover: "Familiekoordinatoren overdraget til opskalering i Børn og Familie, Jobcentret og Social og Handicap, som tager 40 familier det næste år",
        end: End::HandedOn,
        close: "Givet videre til opskalering; møderne faldt, men ikke til det halve",
        ..BLANK
    },
    Story {
        title: "Et nyt intranet",
        challenge: "Medarbejderne kan ikke finde vejledninger på det nuværende intranet",
        departments: &["Børn og Familie"],
        notes: [
            "Borgerne mærker det ikke",
            "Irriterer medarbejderne nu",
            "Et fælles it-værktøj, men én opgave",
            "Kravene kendes; det er et indkøb",
            "Ingen ny læring for organisationen",
            "Et nyt system, ikke en ny løsning",
            "Ingen borgere eller partnere at inddrage",
        ],
        unmet: &[Criterion::CitizenWelfare, Complexity, NewLearning, Innovation, NewPerspectives],
        why: "Et it-projekt, ikke en velfærdsudfordring; det hører til it-styregruppen",
        ..BLANK
    },
    // 2016H1
    Story {
        title: "Samskabelse med borgerne",
        challenge: "Politikerne vil have borgerne med til at skabe velfærden, men afdelingerne ved ikke, hvad samskabelse kræver af dem",
        departments: &["Kultur og Fritid", "Byudvikling", "Social og Handicap"],
        notes: [
            "Borgerne får indflydelse på det, der angår dem",
            "Kommunalbestyrelsen har gjort samskabelse til et mål i år",
            "Kultur, byplan og socialområde arbejder allerede med borgerne, hver for sig",
            "Samskabelse betyder noget forskelligt for hver afdeling",
            "Vi mangler viden om samskabelse i praksis: det bærende kriterium",
            "Nye måder at dele opgaver med borgerne",
            "Borgere og foreninger er selve temaet",
        ],
        why: "Kommunalbestyrelsens mål om samskabelse kræver viden, som afdelingerne ikke har",
        start: "Besparelserne giver færre netværk; samskabelse er ét af dem, fordi alle afdelinger skal bruge det",
        goals: &[
            "Afdelingerne forstår, hvad samskabelse kræver af dem",
            "Deltagerne bringer tre prøvede metoder hjem",
        ],
        criteria: &[
            "Hver deltagers afdeling har prøvet en metode med borgere",
            "En fælles guide til samskabelse",
        ],
        met: &[1, 2],
        knowledge: "En guide til samskabelse med eksempler fra netværket, gennemgået i Kultur og Fritid, Byudvikling og Social og Handicap",
        end: End::KnowledgeShared,
        close: "Guiden til samskabelse er bragt hjem i de tre afdelinger, og hver har prøvet en metode",
        ..BLANK
    },
    Story {
        title: "Ensomhed blandt ældre",
        challenge: "Hver tiende ældre over 75 er ensom; hjemmeplejen ser det, men kender ikke foreningernes tilbud, og foreningerne når ikke de ensomme",
        departments: &["Ældre og Sundhed", "Kultur og Fritid"],
        notes: [
            "Ensomhed skader helbredet som rygning",
            "Sundhedsprofilen fra 2015 viser flere ensomme ældre",
            "Hjemmeplejen ser de ensomme, foreningerne har fællesskaberne",
            "Ensomhed er skjult og skamfuld; ingen enkel løsning",
            "Vi ved ikke, hvordan man når de ensomme",
            "Besøgsvenner gennem hjemmeplejen er nyt",
            "Ældresagen, foreningerne og de ældre selv skal med",
        ],
        why: "Sundhedsprofilen viser flere ensomme ældre; hjemmeplejen og foreningerne har hver sin halvdel af løsningen",
        start: "Ældresagen og to foreninger deltager som gæster i netværket",
        goals: &[
            "Ensomme ældre kommer med i et fællesskab",
            "Hjemmeplejen ved, hvilke tilbud de kan pege på",
        ],
        criteria: &[
            "30 ensomme ældre kommer med i et fællesskab i testen",
            "Hjemmeplejen har en oversigt over foreningernes tilbud",
            "De ældre i testen er mindre ensomme efter tre måneder",
        ],
        met: &[1, 2, 3],
        narrowed: Some("Ældre, der lige er blevet alene efter et dødsfald, er de mest ensomme og de sværeste at nå"),
        hours: 4,
        tested: "Hjemmeplejen bygger bro til en besøgsven eller en forening for 30 ensomme ældre",
        result: "24 af 30 kom med i et fællesskab; i en opfølgende samtale var 20 mindre ensomme",
        product: "En oversigt over fællesskaber og en brobygning fra hjemmeplejen",
        effect: "Foreningerne fik 50 nye ældre medlemmer det første år",
        takes_over: Some(("Kultur og Fritid", "Brobygningen skal drives sammen med foreningerne, og Kultur og Fritids chef har kontakten")),
        close: "Brobygningen er implementeret i hjemmeplejen; alle tre kriterier er nået",
        ..BLANK
    },
    Story {
        title: "Fra skole til uddannelse for alle",
        challenge: "Hver femte unge i Albertslund har ingen uddannelse fem år efter 9. klasse, og overgangen fra skole til uddannelse har tre ejere",
        departments: &["Skole og Dagtilbud", "Jobcenter", "Social og Handicap"],
        notes: [
            "En uddannelse er de unges vigtigste værn mod ledighed",
            "Kommunalbestyrelsen har sat målet 95 procent",
            "Skole, jobcenter og socialområde møder de samme unge",
            "Uddannelsesparathed, trivsel og familie spiller sammen",
            "Vi ved ikke, hvor de unge falder fra",
            "En fælles ungeplan er ny her",
            "Uddannelsesstederne og de unge skal med",
        ],
        why: "Kommunalbestyrelsens mål kræver, at skole, jobcenter og socialområde taler sammen om de unge",
        start: "Besparelserne giver færre netværk, men de unge uden uddannelse kan ikke vente",
        goals: &["Flere unge går videre i uddannelse", "De unge har én plan fra 9. klasse"],
        criteria: &[
            "Alle unge i testen har en fælles ungeplan",
            "Frafaldet det første år halveres i testgruppen",
            "Uddannelsesstederne vil bruge planen",
        ],
        met: &[1, 3],
        hours: 5,
        tested: "En fælles ungeplan og en mentor for 25 elever i 9. klasse på to skoler",
        result: "Alle 25 fik en plan; frafaldet kan først ses efter et år",
        handover: "Ungeplanen overdraget til opskalering i Skole og Dagtilbud, Jobcentret og Social og Handicap, for alle kommunens skoler",
        end: End::HandedOn,
        close: "Ungeplanen er givet videre til opskalering; frafaldet kunne ikke måles inden lukningen",
        ..BLANK
    },
    // 2016H2
    Story {
        title: "Digital borgerservice",
        challenge: "Borgerne skal i stigende grad betjene sig selv digitalt, men mange ældre og ledige kan ikke, og medarbejderne hjælper forskelligt",
        departments: &["Jobcenter", "Byudvikling", "Ældre og Sundhed"],
        notes: [
            "Borgerne skal kunne bruge de digitale løsninger",
            "Den digitale post blev obligatorisk, og køen i borgerservice vokser",
            "Jobcenter, byggesag og ældreområde møder de samme spørgsmål",
            "Borgernes evner og systemernes krav spiller sammen",
            "Vi mangler viden om at hjælpe digitalt svage: det bærende kriterium",
            "Hjælp til selvhjælp kan frigøre tid",
            "Biblioteket og Ældresagens it-hjælpere",
        ],
        why: "Køen i borgerservice vokser; medarbejderne mangler viden om at hjælpe borgerne til at klare sig selv",
        start: "Deltagerne lærer af bibliotekets it-hjælpere og bringer det hjem til tre afdelinger",
        goals: &[
            "Medarbejderne ved, hvordan de hjælper borgerne til selvbetjening",
            "Deltagerne bringer en fælles tilgang hjem",
        ],
        criteria: &[
            "Hver deltagers afdeling har fået en kort instruktion",
            "En fælles vejledning til medarbejderne",
            "Færre borgere i køen i borgerservice",
        ],
        met: &[1, 2],
        knowledge: "En fælles vejledning i hjælp til selvbetjening, gennemgået i Jobcentret, Byudvikling og Ældre og Sundhed",
        end: End::KnowledgeShared,
        close: "Vejledningen er bragt hjem i de tre afdelinger; køen i borgerservice er ikke målt",
        ..BLANK
    },
    Story {
        title: "Job til unge på ydelse",
        challenge: "300 unge under 30 er på kontanthjælp, og mange har både psykiske vanskeligheder og ingen erhvervserfaring",
        departments: &["Jobcenter", "Social og Handicap"],
        notes: [
            "Et job giver de unge en fremtid",
            "Kontanthjælpsloftet fra 2016 rammer de unge nu",
            "Jobcentret og socialpsykiatrien deler de unge",
            "Psykiske problemer, misbrug og manglende erfaring hænger sammen",
            "Vi ved ikke, hvad der virker for de sværeste",
            "Små job i lokale virksomheder er ikke prøvet",
            "Lokale virksomheder skal med",
        ],
        why: "300 unge på ydelse er et af kommunens største problemer, og reformen kræver handling nu",
        start: "Jobcentret og socialpsykiatrien går sammen med fem lokale virksomheder",
        goals: &["Unge på ydelse kommer i job eller uddannelse", "De unge får støtte fra én, de kender"],
        criteria: &[
            "Ti af 30 unge i testen har et job med løntimer",
            "Fem lokale virksomheder tager en ung",
            "Ingen af de unge falder ud af forløbet",
        ],
        met: &[1, 2],
        hours: 5,
        tested: "Små job med en mentor i fem lokale virksomheder for 30 unge på kontanthjælp",
        result: "12 af 30 fik et job med løntimer; tre faldt ud af forløbet",
        product: "Et forløb med små job og en mentor fra socialpsykiatrien",
        effect: "40 unge færre på kontanthjælp det følgende år",
        close: "Forløbet med små job er implementeret; tre unge faldt ud, så det sidste kriterium er ikke nået",
        ..BLANK
    },
    Story {
        title: "Hurtigere boligindretning",
        challenge: "En borger venter fem måneder på en rampe eller et badeværelse, fordi sagen går frem og tilbage mellem visitationen og byggesagsbehandlingen",
        departments: &["Social og Handicap", "Byudvikling", "Ældre og Sundhed"],
        notes: [
            "Borgeren kan blive hjemme i stedet for at flytte",
            "Ventetiden er vokset fra tre til fem måneder",
            "Visitation og byggesag ligger i to direktørområder",
            "Sagsgangen har mange led og mange fagsystemer",
            "Vi ved ikke, hvor sagen holder stille",
            "Én fælles sag i stedet for to er ny",
            "Et internt tema: sagsgangen mellem afdelingerne; borgerne mærker kun ventetiden",
        ],
        unmet: &[NewPerspectives],
        why: "Fem måneders ventetid er for lang, og sagsgangen kan kun rettes af afdelingerne sammen",
        exception: "Et internt tema: ventetiden ligger i sagsgangen mellem afdelingerne, og borgerne kan ikke rette den; de høres om resultatet",
        start: "Visitatorer og byggesagsbehandlere følger ti sager gennem hele forløbet",
        goals: &["Borgerne får boligindretningen hurtigere", "Én sag i stedet for to"],
        criteria: &["Ventetiden under tre måneder i testen", "Én fælles sag for visitation og byggesag"],
        met: &[1, 2],
        narrowed: Some("Sagen holder stille, mens visitationen venter på byggesagens tegninger; dér er de to måneder"),
        hours: 3,
        tested: "Én fælles sag med en ansvarlig visitator for 15 boligindretninger",
        result: "Ventetiden faldt fra fem til to en halv måned",
        product: "En fælles sagsgang for visitation og byggesag",
        effect: "Ventetiden på boligindretning halveret året efter",
        takes_over: Some(("Byudvikling", "Den fælles sagsgang skal drives af byggesagsbehandlingen, og Byudviklings chef tager over")),
        close: "Den fælles sagsgang er implementeret; ventetiden er under tre måneder",
        ..BLANK
    },
    Story {
        title: "Hverdagsrehabilitering i hjemmet",
        challenge: "Ældre, der søger hjemmehjælp, får hjælpen, men ikke muligheden for at lære at klare sig selv igen",
        departments: &["Ældre og Sundhed", "Social og Handicap"],
        notes: [
            "Ældre, der klarer sig selv, har bedre livskvalitet",
            "Loven om rehabiliteringsforløb trådte i kraft i 2015",
            "Visitation, træning og hjemmepleje skal samarbejde",
            "Motivation og hjælp skal balanceres",
            "Vi mangler erfaring med korte forløb",
            "Rehabilitering før hjælp er nyt her",
            "De ældre og de pårørende sætter målene",
        ],
        why: "Loven om rehabiliteringsforløb kræver, at ældre- og handicapområdet arbejder sammen om det",
        start: "Netværket bygger på erfaringerne fra borgernær rehabilitering",
        goals: &["Ældre lærer at klare sig selv igen", "Hjælp gives efter et forløb, ikke før"],
        criteria: &[
            "Halvdelen af de ældre i testen klarer sig uden hjælp efter forløbet",
            "Visitationen tilbyder forløbet før hjælpen",
        ],
        met: &[1, 2],
        help: Some(("analysis", "En opgørelse af hjemmehjælpstimer før og efter forløbene")),
        hours: 4,
        tested: "Korte forløb for 40 ældre, der søger hjemmehjælp, i distrikt Syd",
        result: "22 af 40 klarede sig uden hjælp efter forløbet",
        handover: "Forløbene overdraget til opskalering i Ældre og Sundhed og Social og Handicap, for alle distrikter",
        end: End::HandedOn,
        close: "Forløbene er givet videre til opskalering i alle distrikter",
        ..BLANK
    },
    Story {
        title: "Den cirkulære kommune",
        challenge: "Kommunen køber nyt og smider ud for millioner om året, mens møbler og materialer kunne bruges igen",
        departments: &["Miljø og Klima", "Byudvikling"],
        notes: [
            "Mindre affald og et bedre miljø for byens borgere",
            "Klimaplanen kræver cirkulære indkøb fra 2017",
            "Indkøb, byggeri og affald går på tværs af Miljø og Klima og Byudvikling",
            "Ingen kender markedet for genbrugte materialer",
            "Vi ved ikke, hvad cirkulær økonomi kræver af os",
            "Potentiale for besparelser på indkøb",
            "Virksomheder og genbrugsaktører skal med",
        ],
        why: "Klimaplanen kræver cirkulære indkøb; Innovationsudvalget vil se, om kommunen kan gå foran",
        start: "Et innovationsnetværk med en direktør som referenceleder og tre virksomheder som partnere",
        goals: &[
            "Afprøve en ny løsning for genbrug af kommunens møbler og materialer",
            "En løsning, der kan opskaleres til alle afdelinger",
        ],
        criteria: &[
            "Halvdelen af kasserede møbler bruges igen i testen",
            "Et fagsystem, der viser, hvad der kan genbruges",
            "Indkøbsudgiften falder",
        ],
        met: &[],
        help: Some(("finance", "En beregning af, hvad genbruget sparer på indkøbet")),
        hours: 6,
        tested: "Genbrug af møbler og materialer mellem fem institutioner, i et halvt år",
        result: "Genbruget kræver et fagsystem, der viser lagrene, og det har kommunen ikke",
        takes_over: Some(("", "Testen skal vise, om et fagsystem kan købes, og den anden direktør har indkøbsområdet")),
        end: End::Stopped("Testen viste, at løsningen kræver et fagsystem, kommunen ikke har"),
        close: "Stoppet: uden fagsystem når genbruget ingen af kriterierne; erfaringen går til indkøbsstrategien",
        ..BLANK
    },
    Story {
        title: "Sammenhængende demensindsats",
        challenge: "Borgere med demens og deres pårørende møder fire afdelinger, der ikke ved, hvad de andre gør",
        departments: &["Ældre og Sundhed", "Social og Handicap", "Kultur og Fritid"],
        notes: [
            "Borgeren kan blive længere hjemme",
            "Den nationale demenshandlingsplan kommer i 2017",
            "Ældre, social og kultur har hver sine tilbud",
            "Sygdommen ændrer sig, og behovene med den",
            "Vi ved ikke, hvad de pårørende savner",
            "En fælles demenskoordinator er ny",
            "De pårørende og Alzheimerforeningen skal med",
        ],
        why: "Den nationale demenshandlingsplan er kommet; tre afdelinger vil samle indsatsen efter den",
        exception: "Udskudt til foråret, når den nationale demenshandlingsplan er kendt",
        start: "Nu er handlingsplanen kendt; netværket tager Alzheimerforeningen med som gæst",
        goals: &[
            "Borgere med demens og deres pårørende har én indgang",
            "Borgerne bor længere hjemme",
        ],
        criteria: &[
            "Alle nye borgere med demens i testen har én koordinator",
            "De pårørende i testen er mere tilfredse",
        ],
        met: &[1, 2],
        hours: 4,
        tested: "En demenskoordinator på tværs for 20 nye borgere med demens og deres pårørende",
        result: "De pårørende var mere tilfredse; koordinatoren samlede fire tilbud i én plan",
        product: "En demenskoordinator og en fælles plan for borgere med demens",
        effect: "Færre borgere med demens flyttede på plejehjem det følgende år",
        close: "Demenskoordinatoren er implementeret; begge kriterier er nået",
        ..BLANK
    },
    // 2017H1
    Story {
        title: "Grøn omstilling i hverdagen",
        challenge: "Klimaplanen kræver, at alle arbejdspladser sparer energi og affald, men medarbejderne ved ikke, hvad der virker",
        departments: &["Miljø og Klima", "Byudvikling", "Skole og Dagtilbud"],
        notes: [
            "Et bedre klima for borgerne",
            "Klimaplanen er vedtaget i år",
            "Alle arbejdspladser skal omstille",
            "Vaner er svære at ændre",
            "Vi mangler viden om grønne vaner på arbejdspladsen",
            "Energibesparelser kan finansiere andet",
            "Energiselskabet og forskere vil dele viden",
        ],
        why: "Klimaplanen er vedtaget; arbejdspladserne mangler viden om, hvad der virker",
        start: "Deltagerne skal bringe viden om grønne vaner hjem til tre afdelinger",
        goals: &[
            "Afdelingerne ved, hvilke grønne vaner der virker",
            "Deltagerne bringer viden hjem",
        ],
        criteria: &["Hver deltager har holdt et oplæg i sin afdeling", "En liste med ti prøvede grønne vaner"],
        met: &[],
        end: End::Stopped("Deltagerne kunne ikke frigøres fra opgaverne i basis"),
        close: "Stoppet: deltagerne fra skolerne og byggesagerne kunne ikke frigøres, så ingen oplæg blev holdt",
        ..BLANK
    },
    Story {
        title: "Skoledage uden mobning",
        challenge: "Hver femte elev i 4.-9. klasse føler sig mobbet, og skolen, SFO'en og klubben ser hver sin del af det",
        departments: &["Skole og Dagtilbud", "Børn og Familie", "Kultur og Fritid"],
        notes: [
            "Eleverne trives og lærer mere",
            "Trivselsmålingen 2016 viser mere mobning",
            "Skole, SFO, klub og familieafdeling ser det samme barn",
            "Mobning er et gruppefænomen; ingen enkel løsning",
            "Vi ved ikke, hvor mobningen sker uden for timerne",
            "Fælles regler for skole og klub er nye",
            "Eleverne og forældrene skal med",
        ],
        why: "Trivselsmålingen viser mere mobning, og skolen kan ikke løse det uden SFO og klub",
        start: "Netværket begynder på de to skoler, hvor trivselsmålingen var dårligst",
        goals: &["Færre elever føler sig mobbet", "Skole, SFO og klub har fælles regler"],
        criteria: &[
            "Mobningen falder i trivselsmålingen på de to skoler",
            "Fælles regler for skole, SFO og klub",
            "Eleverne har været med til at lave reglerne",
        ],
        met: &[1, 2, 3],
        narrowed: Some("Mobningen sker mest i frikvartererne og på de sociale medier efter skoletid"),
        hours: 4,
        tested: "Fælles regler og voksne i frikvarteret på to skoler og deres klubber i et halvt år",
        result: "Mobningen faldt fra 20 til 12 procent i trivselsmålingen på de to skoler",
        product: "Fælles regler for skole, SFO og klub, lavet med eleverne",
        effect: "Trivselsmålingen 2018 viste mindre mobning på alle skoler",
        takes_over: Some(("Børn og Familie", "Reglerne skal bruges i klubberne, som Børn og Familie driver; dens chef tager over")),
        close: "De fælles regler er implementeret på alle skoler; alle kriterier er nået",
        ..BLANK
    },
    Story {
        title: "Trygge overgange fra hospital",
        challenge: "Ældre udskrives fredag eftermiddag uden at hjemmeplejen ved det, og hver femte genindlægges inden for en måned",
        departments: &["Ældre og Sundhed", "Social og Handicap"],
        notes: [
            "Den ældre kommer trygt hjem og bliver hjemme",
            "Genindlæggelserne er steget, efter hospitalet kortede liggetiden",
            "Hjemmeplejen, sygeplejen og bostøtten modtager de samme borgere",
            "Udskrivningstid, medicin og vagtskifte spiller sammen",
            "Vi ved ikke, hvorfor de genindlægges: medicin, mad eller ensomhed",
            "Et opfølgende hjemmebesøg dagen efter er nyt her",
            "Hospitalet og de praktiserende læger skal med",
        ],
        why: "Genindlæggelserne koster borgerne trygheden; hospitalet vil gerne være med",
        start: "Netværket får en udskrivningskoordinator fra hospitalet med",
        goals: &["Færre ældre genindlægges", "Hjemmeplejen ved, når borgeren kommer hjem"],
        criteria: &[
            "Genindlæggelserne halveres i testen",
            "Alle borgere i testen får et hjemmebesøg dagen efter",
        ],
        met: &[2],
        hours: 5,
        tested: "Et opfølgende hjemmebesøg dagen efter udskrivning hos 30 ældre",
        result: "Genindlæggelserne faldt fra 20 til 13 procent",
        handover: "Hjemmebesøget overdraget til opskalering i Ældre og Sundhed og Social og Handicap, i samarbejde med hospitalet",
        end: End::HandedOn,
        close: "Hjemmebesøget er givet videre til opskalering; genindlæggelserne faldt, men blev ikke halveret",
        ..BLANK
    },
    Story {
        title: "Inkluderende dagtilbud",
        challenge: "Flere børn med særlige behov flyttes fra deres vuggestue eller børnehave til et specialtilbud, fordi pædagogerne mangler støtte fra Børn og Familie",
        departments: &["Skole og Dagtilbud", "Børn og Familie"],
        notes: [
            "Børnene bliver i deres eget dagtilbud, tæt på vennerne",
            "Specialtilbuddene er fulde, og ventelisten vokser",
            "Pædagogerne i dagtilbuddene og psykologerne i Børn og Familie kender hver sin del",
            "Barnets behov, gruppen og forældrenes ønsker skal balanceres",
            "Vi mangler viden om inklusion af de mindste børn",
            "Støtte i dagtilbuddet i stedet for flytning er nyt her",
            "Forældrene og PPR skal med",
        ],
        why: "Specialtilbuddene er fulde, og dagtilbuddene kan beholde flere børn med støtte fra Børn og Familie",
        start: "Netværket begynder i de fire dagtilbud, der har flest børn med særlige behov",
        goals: &[
            "Flere børn med særlige behov bliver i deres eget dagtilbud",
            "Pædagogerne får støtte, når de har brug for den",
        ],
        criteria: &[
            "Ingen børn i testen flyttes til et specialtilbud",
            "Pædagogerne i testen har sparring med en psykolog hver uge",
        ],
        met: &[1, 2],
        hours: 3,
        tested: "En støttepædagog og ugentlig sparring med en psykolog fra Børn og Familie i fire dagtilbud, i ti uger",
        result: "Ingen af de 14 børn blev flyttet; pædagogerne brugte sparringen hver uge",
        product: "En støttepædagog og ugentlig sparring for dagtilbuddene",
        effect: "Otte børn færre i specialtilbud det følgende år",
        takes_over: Some(("Børn og Familie", "Støttepædagogerne ansættes i Børn og Familie, hvis chef tager over som referenceleder")),
        close: "Støttepædagogen og sparringen er implementeret i alle dagtilbud; begge kriterier er nået",
        ..BLANK
    },
    Story {
        title: "Længere åbningstid på biblioteket",
        challenge: "Borgerne vil bruge biblioteket om aftenen, men det lukker klokken 19",
        departments: &["Kultur og Fritid"],
        notes: [
            "Flere borgere kan bruge biblioteket",
            "Borgerne spørger ved skranken",
            "Kun Kultur og Fritid har biblioteket",
            "Den selvbetjente åbningstid er en kendt løsning",
            "Andre biblioteker har vist, hvordan det gøres",
            "Ikke nyt: besluttet andre steder for længe siden",
            "Brugerrådet har bedt om det",
        ],
        unmet: &[CrossCutting, Complexity, NewLearning, Innovation],
        why: "Allerede besluttet af kulturudvalget; biblioteket åbner selvbetjent om aftenen fra næste år",
        ..BLANK
    },
    // 2017H2
    Story {
        title: "Sundhedskompetence",
        challenge: "Mange borgere forstår ikke de breve og vejledninger, de får fra kommunen, og kommer ikke til behandling, samtale eller undersøgelse",
        departments: &["Ældre og Sundhed", "Jobcenter", "Skole og Dagtilbud"],
        notes: [
            "Borgere, der forstår brevet, kommer til deres aftaler",
            "Sundhedsprofilen viser, at hver tiende har svært ved at forstå sundhedsinformation",
            "Sundhedspleje, jobcenter og skoler skriver til de samme familier",
            "Sprog, læsning og tillid spiller ind",
            "Vi mangler viden om at skrive og tale, så alle forstår: det bærende kriterium",
            "Breve, der virker første gang, sparer opringninger",
            "Borgere og sprogskolen kan teste vores breve",
        ],
        why: "Sundhedsprofilen viser, at mange borgere ikke forstår os; tre afdelinger skriver til de samme familier",
        start: "Deltagerne lærer af sprogskolen og tester breve med borgerne, og bringer det hjem",
        goals: &[
            "Afdelingerne skriver og taler, så borgerne forstår",
            "Deltagerne bringer metoderne hjem til deres kolleger",
        ],
        criteria: &[
            "Hver deltagers afdeling har fået et oplæg om at skrive enkelt",
            "Fem af kommunens mest brugte breve er skrevet om og testet",
        ],
        met: &[1, 2],
        knowledge: "En skriveguide og fem omskrevne breve, gennemgået i Ældre og Sundhed, Jobcentret og Skole og Dagtilbud",
        end: End::KnowledgeShared,
        close: "Skriveguiden og de fem breve er bragt hjem i de tre afdelinger",
        ..BLANK
    },
    Story {
        title: "Mental sundhed for unge voksne",
        challenge: "Flere unge mellem 18 og 30 har angst eller depression og falder ud af uddannelse og job, mens de venter på hjælp",
        departments: &["Social og Handicap", "Jobcenter", "Kultur og Fritid"],
        notes: [
            "De unge får hjælp, før de falder ud",
            "Ventetiden i psykiatrien er steget til et halvt år",
            "Socialpsykiatri, jobcenter og fritidstilbud møder de samme unge",
            "Årsagerne er mange, og de unge søger ikke selv hjælp",
            "Vi ved for lidt om, hvad der hjælper unge med lette psykiske problemer",
            "Et åbent rådgivningstilbud uden visitation er nyt",
            "Ungdomsuddannelserne og de unge selv skal med",
        ],
        why: "Ventetiden i psykiatrien får unge til at falde ud af uddannelse og job; tre afdelinger møder dem",
        start: "Netværket inviterer to ungdomsuddannelser og en gruppe unge med fra start",
        goals: &["Unge med lette psykiske problemer får hjælp uden at vente", "De unge bliver i uddannelse og job"],
        criteria: &[
            "Et åbent tilbud, hvor unge kan komme uden henvisning",
            "Fire ud af fem unge i testen er i uddannelse eller job efter et halvt år",
            "De unge anbefaler tilbuddet til andre",
        ],
        met: &[1, 3],
        hours: 5,
        tested: "En åben rådgivning for unge om onsdagen i ungdomshuset, i tolv uger",
        result: "62 unge kom; de fleste ville anbefale den, og frafaldet kan først måles om et halvt år",
        handover: "Den åbne rådgivning overdraget til opskalering i Social og Handicap og Jobcentret, med lokaler i Kultur og Fritids ungdomshus",
        end: End::HandedOn,
        close: "Rådgivningen er givet videre til opskalering; om de unge bliver i uddannelse, kan først ses senere",
        ..BLANK
    },
    Story {
        title: "Koordineret indsats for kronisk syge",
        challenge: "Borgere med diabetes eller KOL, som også er ledige, får en plan fra sundhedscentret og en anden fra Jobcentret, og planerne modarbejder hinanden",
        departments: &["Ældre og Sundhed", "Jobcenter"],
        notes: [
            "Borgeren kan passe sin sygdom og sin jobsøgning på én gang",
            "Antallet af kronisk syge ledige er steget",
            "Sundhedscentret og Jobcentret har hver sin plan",
            "Sygdom, træning og jobkrav skal passe sammen",
            "Vi kender ikke hinandens forløb",
            "Én fælles plan for sundhed og job er ny",
            "De praktiserende læger og patientforeningerne skal med",
        ],
        why: "To planer for den samme kronisk syge ledige modarbejder hinanden; sundhedscentret og Jobcentret vil samle dem",
        start: "Sundhedscentrets sygeplejersker og Jobcentrets sagsbehandlere deltager, med Diabetesforeningen som gæst",
        goals: &["Kronisk syge ledige har én plan for sundhed og job", "Træning og jobsøgning passer sammen"],
        criteria: &[
            "Alle borgere i testen har én fælles plan",
            "Ingen borger i testen mister træning på grund af en jobaftale",
        ],
        met: &[1, 2],
        narrowed: Some("Ledige med type 2-diabetes, hvor træning og jobaktivering oftest falder samtidig"),
        hours: 4,
        tested: "En fælles plan for sundhed og job for 20 ledige med type 2-diabetes, i ti uger",
        result: "Alle 20 fik én plan, og ingen mistede træning på grund af en jobaftale",
        product: "En fælles plan for sundhedscentret og Jobcentret",
        effect: "Færre afbrudte træningsforløb blandt ledige det følgende år",
        takes_over: Some(("Jobcenter", "Den fælles plan skal ligge i Jobcentrets system, og Jobcentrets chef tager over")),
        close: "Den fælles plan er implementeret; begge kriterier er nået",
        ..BLANK
    },
    Story {
        title: "Lokal jobformidling",
        challenge: "Virksomhederne i Albertslunds erhvervsområder mangler medarbejdere, mens ledige i byen ikke kender jobbene, fordi erhvervskontakten og Jobcentret ikke deler dem",
        departments: &["Jobcenter", "Byudvikling"],
        notes: [
            "Ledige får job tæt på hjemmet",
            "Virksomhederne i erhvervsområderne mangler folk nu",
            "Jobcentret og erhvervskontakten i Byudvikling kender hver sin side",
            "Virksomhedernes behov og de lediges kompetencer skal mødes",
            "Vi ved ikke, hvilke job der er i byen",
            "En fælles virksomhedskonsulent er ny",
            "Virksomhederne og erhvervsforeningen skal med",
        ],
        why: "Virksomhederne mangler folk, og ledige i byen kender ikke jobbene; Jobcentret og erhvervskontakten vil dele",
        start: "Erhvervsforeningen deltager, og netværket begynder i erhvervsområdet Vest",
        goals: &["Ledige i Albertslund får job i byens virksomheder", "Virksomhederne har én indgang til kommunen"],
        criteria: &[
            "20 ledige i job i lokale virksomheder i testen",
            "Én fælles kontakt for virksomhederne",
            "Virksomhederne vil fortsætte samarbejdet",
        ],
        met: &[2, 3],
        hours: 4,
        tested: "En fælles virksomhedskonsulent for erhvervsområdet Vest, i tre måneder",
        result: "14 ledige fik job; virksomhederne vil fortsætte",
        product: "En fælles virksomhedskontakt for Jobcentret og erhvervskontakten",
        effect: "Flere lokale ansættelser fra Jobcentret det følgende år",
        close: "Den fælles virksomhedskontakt er implementeret; 14 i job, ikke 20",
        ..BLANK
    },
    Story {
        title: "Energifællesskaber i den almene boligsektor",
        challenge: "De almene boligafdelinger bruger meget energi og har store tage, men beboerne har ingen model for at producere og dele energi",
        departments: &["Miljø og Klima", "Byudvikling"],
        notes: [
            "Lavere energiregninger for beboerne",
            "Klimaplanen og boligforeningernes renoveringer falder sammen nu",
            "Klima, byplan og boligforeningerne",
            "Jura, tariffer og teknik er ukendte",
            "Vi ved ikke, hvordan energifællesskaber organiseres",
            "En ny løsning med økonomisk potentiale for beboerne",
            "Boligforeninger, forsyningen og DTU skal med",
        ],
        why: "Innovationsudvalget vil prøve energifællesskaber, og boligforeningernes renoveringer giver en åbning nu",
        start: "Et innovationsnetværk med en direktør som referenceleder, to boligforeninger og forsyningen som partnere",
        goals: &[
            "Afprøve et energifællesskab i en almen boligafdeling",
            "En model, som andre boligafdelinger kan tage i brug",
        ],
        criteria: &[
            "Et energifællesskab producerer strøm i én boligafdeling",
            "Beboernes energiregning falder",
            "En model, som boligforeningerne vil udbrede",
        ],
        met: &[1, 2, 3],
        help: Some(("legal", "Hvilke regler gælder for deling af strøm mellem beboerne?")),
        hours: 6,
        tested: "Solceller og en fælles energiforening i én boligafdeling med 120 lejligheder",
        result: "Fællesskabet dækkede en fjerdedel af afdelingens strøm",
        product: "En model for energifællesskaber med vedtægter og en driftsaftale",
        effect: "Beboernes energiregning faldt med ti procent; fremlagt for Innovationsudvalget",
        takes_over: Some(("", "Modellen skal udbredes i alle boligafdelinger, og den anden direktør har boligområdet")),
        close: "Energifællesskabet er implementeret; alle tre kriterier er nået",
        ..BLANK
    },
    Story {
        title: "Sunde måltider i institutionerne",
        challenge: "Børn i dagtilbud og ældre på plejecentre får mad fra hvert sit køkken, og begge steder smides en tredjedel ud",
        departments: &["Skole og Dagtilbud", "Ældre og Sundhed", "Børn og Familie"],
        notes: [
            "Børn og ældre får sundere mad",
            "Madspild og kostpolitikken er på dagsordenen",
            "Dagtilbud, plejecentre og familieafdelingens institutioner",
            "Køkkener, indkøb og ernæring spiller sammen",
            "Vi ved ikke, hvad et fælles køkken kræver",
            "Et fælles produktionskøkken kan spare penge",
            "Forældrebestyrelser og ældreråd skal med",
        ],
        why: "Madspild og kostpolitik gør temaet aktuelt; køkkenerne i tre afdelinger kan samarbejde",
        exception: "Udskudt til foråret, når kostpolitikken er vedtaget",
        start: "Nu er kostpolitikken vedtaget; ældrerådet og to forældrebestyrelser deltager",
        goals: &["Børn og ældre får sundere mad", "Mindre mad smides ud"],
        criteria: &["Madspildet halveres i testen", "Maden følger kostpolitikken"],
        met: &[2],
        hours: 4,
        tested: "Et fælles produktionskøkken for to dagtilbud og et plejecenter, i otte uger",
        result: "Maden fulgte kostpolitikken; madspildet faldt med en fjerdedel",
        handover: "Det fælles køkken overdraget til opskalering i Skole og Dagtilbud, Ældre og Sundhed og Børn og Familie",
        end: End::HandedOn,
        close: "Det fælles køkken er givet videre til opskalering; madspildet blev ikke halveret",
        ..BLANK
    },
    Story {
        title: "Ens mailsignaturer",
        challenge: "Medarbejderne bruger forskellige signaturer i deres mails",
        departments: &["Kultur og Fritid"],
        notes: [
            "Ingen borgervelfærd i det",
            "Ikke presserende",
            "Kommunikation kan løse det alene",
            "Løsningen er kendt",
            "Ingen ny læring",
            "Ingen ny løsning",
            "Ingen borgere at inddrage",
        ],
        unmet: &[Criterion::CitizenWelfare, Criterion::CurrentChallenge, CrossCutting, Complexity, NewLearning, Innovation, NewPerspectives],
        why: "Ingen borgervelfærd i det; kommunikationsafdelingen laver en skabelon",
        ..BLANK
    },
    // 2018H1
    Story {
        title: "Unges deltagelse",
        challenge: "Unge i Albertslund deltager sjældent i høringer og foreninger, og kommunen ved ikke, hvordan den når dem",
        departments: &["Kultur og Fritid", "Skole og Dagtilbud", "Børn og Familie"],
        notes: [
            "De unge får indflydelse på deres by",
            "Ungerådet er nedlagt, og høringerne når ikke de unge",
            "Kultur, skoler og ungdomsklubber møder de unge",
            "De unge deltager på andre måder end de voksne",
            "Vi mangler viden om unges deltagelse: det bærende kriterium",
            "Nye former for høring på de unges medier",
            "De unge selv og ungdomsskolen",
        ],
        why: "Høringerne når ikke de unge, og afdelingerne mangler viden om, hvordan de deltager",
        start: "Deltagerne fra tre afdelinger lærer af ungdomsskolen og bringer det hjem",
        goals: &[
            "Afdelingerne ved, hvordan de når de unge",
            "Deltagerne bringer nye høringsformer hjem",
        ],
        criteria: &[
            "Hver deltagers afdeling har prøvet en høringsform for unge",
            "Et katalog over høringsformer for unge",
        ],
        met: &[1, 2],
        knowledge: "Et katalog over høringsformer for unge, prøvet i Kultur og Fritid, Skole og Dagtilbud og Børn og Familie",
        end: End::KnowledgeShared,
        close: "Kataloget er bragt hjem, og hver afdeling har prøvet en høringsform",
        ..BLANK
    },
    Story {
        title: "Velfærdsteknologi i hjemmet",
        challenge: "Kommunen har købt skærmbesøg og spiserobotter, men de står ubrugte, fordi hjemmeplejen og hjælpemiddelafdelingen ikke kender hinandens opgaver",
        departments: &["Ældre og Sundhed", "Social og Handicap"],
        notes: [
            "Borgerne bliver mere selvhjulpne og får besøg, når det passer dem",
            "Teknologien er købt for 1,2 mio. kr., men bruges ikke",
            "Hjemmeplejen og hjælpemiddelafdelingen ligger i to afdelinger",
            "Teknologi, arbejdsgange og borgernes vaner skal ændres sammen",
            "Vi ved ikke, hvorfor teknologien ikke bliver brugt",
            "Skærmbesøg i stedet for nogle af besøgene er nyt her",
            "Borgerne, de pårørende og leverandørerne skal med",
        ],
        why: "Teknologien er købt og står ubrugt; hjemmeplejen og hjælpemiddelafdelingen kan kun tage den i brug sammen",
        start: "Netværket begynder med skærmbesøg hos de borgere, der selv har sagt ja",
        goals: &[
            "Borgerne bruger den velfærdsteknologi, kommunen har købt",
            "Hjemmeplejen bruger teknologien i hverdagen",
        ],
        criteria: &[
            "40 borgere bruger skærmbesøg i testen",
            "Hjemmeplejen erstatter hvert andet besøg hos dem med et skærmbesøg",
            "Borgerne i testen er lige så tilfredse som før",
        ],
        met: &[1, 3],
        hours: 4,
        tested: "Skærmbesøg i stedet for hvert andet besøg hos 40 borgere i distrikt Øst, i otte uger",
        result: "Borgerne var lige så tilfredse; hjemmeplejen erstattede hvert tredje besøg, ikke hvert andet",
        product: "Skærmbesøg som fast tilbud og en instruks til hjemmeplejen",
        effect: "Hjemmeplejen sparede 200 køreture det første halvår",
        close: "Skærmbesøgene er implementeret; hjemmeplejen erstattede færre besøg end målet",
        ..BLANK
    },
    Story {
        title: "Bedre kørsel for ældre",
        challenge: "Ældre, der skal til læge, træning eller dagcenter, venter op til en time på kørsel, fordi fire ordninger kører hver for sig",
        departments: &["Ældre og Sundhed", "Byudvikling"],
        notes: [
            "De ældre kommer til tiden og bliver ikke trætte af at vente",
            "Klagerne over kørslen er fordoblet på et år",
            "Visitationen i Ældre og Sundhed og trafikafdelingen i Byudvikling bestiller hver sin kørsel",
            "Fire ordninger, to vognmænd og mange små ture",
            "Vi kender ikke turene samlet",
            "Én fælles bestilling kan samle turene og spare penge",
            "Vognmændene, Movia og ældrerådet skal med",
        ],
        why: "Klagerne er fordoblet, og fire ordninger kan samles; ældrerådet har bedt om det",
        start: "Ældrerådet og den største vognmand deltager som gæster",
        goals: &["Ældre venter kortere på kørsel", "Én fælles bestilling for alle ordningerne"],
        criteria: &[
            "Ingen ældre venter over 20 minutter i testen",
            "Én fælles bestilling for de fire ordninger",
            "Kørselsudgiften stiger ikke",
        ],
        met: &[1, 2, 3],
        narrowed: Some("Kørslen til dagcentrene om morgenen, hvor ventetiden er længst"),
        revision: Some(Revision {
            criteria: &[
                "Ingen ældre venter over 20 minutter på kørsel til dagcentrene om morgenen",
                "Én fælles bestilling for de fire ordninger",
                "Kørselsudgiften stiger ikke",
            ],
            reason: "Efter første intensive periode er temaet indsnævret til kørslen til dagcentrene om morgenen; ventetiden måles nu dér",
        }),
        hours: 3,
        tested: "Én fælles bestilling af kørsel til dagcentre, læge og træning for 60 ældre, i seks uger",
        result: "Ventetiden om morgenen faldt fra 45 til 12 minutter, og udgiften faldt en smule",
        product: "En fælles kørselsbestilling for Ældre og Sundhed og Byudvikling",
        effect: "Klagerne over kørslen faldt med to tredjedele det følgende halvår",
        takes_over: Some(("Byudvikling", "Bestillingen skal ligge hos trafikafdelingen i Byudvikling, hvis chef har kontrakten med vognmændene")),
        close: "Den fælles bestilling er implementeret; alle tre kriterier er nået",
        ..BLANK
    },
    Story {
        title: "Borgerens første kontakt",
        challenge: "Borgere, der ringer til kommunen om hjælp, stilles videre i gennemsnit tre gange, før de får en, der kan svare",
        departments: &["Jobcenter", "Social og Handicap", "Ældre og Sundhed"],
        notes: [
            "Borgeren får svar første gang",
            "Opkaldene er steget, efter borgerservice blev samlet",
            "Jobcenter, socialområde og ældreområde får de fleste opkald",
            "Spørgsmålene går på tværs af lovgivninger",
            "Vi ved ikke, hvad borgerne spørger om",
            "En fælles første kontakt er ny",
            "Borgerne skal teste den nye indgang",
        ],
        why: "Borgerne stilles videre tre gange; de tre afdelinger med flest opkald vil give dem svar første gang",
        start: "Netværket lytter først til 200 opkald i de tre afdelinger",
        goals: &["Borgerne får svar første gang, de ringer", "Én fælles første kontakt for tre afdelinger"],
        criteria: &[
            "Fire ud af fem borgere i testen får svar første gang",
            "Borgerne stilles højst én gang videre",
        ],
        met: &[1, 2],
        help: Some(("analysis", "En analyse af 200 opkald: hvad spørger borgerne om, og hvor ender de?")),
        hours: 4,
        tested: "En fælles første kontakt med medarbejdere fra tre afdelinger i telefonen, i seks uger",
        result: "82 procent fik svar første gang; ingen blev stillet videre mere end én gang",
        product: "En fælles første kontakt og en vidensbank til telefonen",
        effect: "Færre opkald til de tre afdelinger det følgende år",
        close: "Den fælles første kontakt er implementeret; begge kriterier er nået",
        ..BLANK
    },
];

#[cfg(test)]
mod tests {
    use netvaerk_core::TextKind;

    use super::super::{DEPARTMENTS, HALF_YEARS};
    use super::*;

    /// Every title the half-years name, and whether a network is started on it.
    fn titles() -> Vec<(&'static str, bool)> {
        let mut titles = Vec::new();
        for half_year in &HALF_YEARS {
            titles.push((half_year.learning, true));
            titles.extend(half_year.welfare.iter().map(|title| (*title, true)));
            titles.extend(half_year.innovation.as_ref().map(|innovation| (innovation.title, true)));
            titles.extend(half_year.deferred.map(|title| (title, true)));
            titles.extend(half_year.rejected.map(|(title, _)| (title, false)));
        }
        titles
    }

    #[test]
    fn every_theme_of_the_half_years_has_its_own_story() {
        let titles = titles();
        assert_eq!(titles.len(), STORIES.len(), "one story per theme, no story without a theme");
        for (title, started) in titles {
            let story = story(title);
            assert_eq!(story.title, title, "no story for {title}");
            assert!(!story.challenge.is_empty() && !story.why.is_empty(), "{title}");
            assert!(story.notes.iter().all(|note| !note.is_empty()), "{title}: a note on every criterion");
            assert!(!story.departments.is_empty(), "{title}");
            for department in story.departments {
                assert!(DEPARTMENTS.contains(department), "{title}: unknown department {department}");
            }
            if !story.unmet.is_empty() && started {
                assert!(!story.exception.is_empty(), "{title}: an unmet criterion taken anyway says why");
            }
            if !started {
                continue;
            }
            assert!(!story.start.is_empty() && !story.close.is_empty(), "{title}");
            // NW-6: at least one goal and criterion, each a one-line name; met by number.
            assert!(!story.goals.is_empty() && !story.criteria.is_empty(), "{title}");
            let criteria = story.revision.as_ref().map_or(story.criteria, |revision| revision.criteria);
            for text in story.goals.iter().chain(story.criteria).chain(criteria) {
                assert_eq!(TextKind::Name.check("goal", text), Ok(()), "{title}: {text}");
            }
            assert!(story.met.iter().all(|number| (1..=criteria.len() as u32).contains(number)), "{title}");
            // A stopped network met few or none; an implemented one most.
            match story.end {
                End::Stopped(_) => assert!(story.met.len() <= 1, "{title}"),
                End::Implemented => assert!(2 * story.met.len() >= criteria.len(), "{title}"),
                End::HandedOn | End::KnowledgeShared => assert!(!story.met.is_empty(), "{title}"),
            }
            assert!(story.revision.is_none() || story.narrowed.is_some(), "{title}: revised as narrowed");
        }
    }

    #[test]
    fn no_two_themes_share_a_text() {
        let mut seen = std::collections::BTreeSet::new();
        for story in STORIES {
            let texts = [story.challenge, story.why, story.start, story.close, story.tested, story.result]
                .into_iter()
                .chain([story.product, story.effect, story.handover, story.knowledge])
                .chain(story.notes);
            for text in texts.filter(|text| !text.is_empty()) {
                assert!(seen.insert(text), "{}: \"{text}\" is another theme's too", story.title);
            }
        }
    }
}
