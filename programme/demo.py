"""Demo data for a fresh installation, loaded by `manage.py load_demo`.

It holds the 2022 Jahrestagung in Leipzig with its whole programme as the
conference report gives it, the announcement of the 2025 Kleine Jahrestagung in
Köln, an upcoming conference clearly marked as a demonstration, first versions
of the privacy notice and the Impressum, and, only with DEBUG, a login for the
Geschäftsstelle (the association's office).

Loading is idempotent: every object is looked up by its natural key and saved
only when a value differs, so a second run changes nothing. Pages and the demo
conference are only created when missing, so the office's edits survive.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from .models import (
    Appearance,
    Conference,
    Person,
    ProgrammeItem,
    SitePage,
    Workshop,
    WorkshopModerator,
    WorkshopPhase,
)

BERLIN = ZoneInfo("Europe/Berlin")

LEIPZIG_SLUG = "jahrestagung-2022-leipzig"
KOELN_SLUG = "kleine-jahrestagung-2025-koeln"
DEMO_SLUG = "demo-jahrestagung"
OFFICE_USERNAME = "geschaeftsstelle"
OFFICE_PASSWORD = "demo-passwort-2025"  # noqa: S105 - a documented login for local demos only

Kind = ProgrammeItem.Kind
Mode = WorkshopPhase.Mode


@dataclass(frozen=True)
class PersonSpec:
    first_name: str
    last_name: str
    academic_title: str = ""
    organisation: str = ""
    role_description: str = ""


@dataclass(frozen=True)
class WorkshopSpec:
    title: str
    moderators: tuple[PersonSpec, ...]
    description: str = ""
    room: str = ""
    seat_limit: int | None = 20


@dataclass(frozen=True)
class PhaseSpec:
    number: int
    title: str
    mode: str
    guiding_question: str = ""
    description: str = ""
    reuses_groups_of: int | None = None
    workshops: tuple[WorkshopSpec, ...] = ()


@dataclass(frozen=True)
class ItemSpec:
    day: int  # 0 is the first day of the conference
    starts: str  # "HH:MM", local time in Berlin
    ends: str | None
    kind: str
    title: str
    description: str = ""
    room: str = ""
    members_only: bool = False
    requires_signup: bool = False
    phase: int | None = None
    hosts: tuple[PersonSpec, ...] = ()
    speakers: tuple[PersonSpec, ...] = ()


# ---------------------------------------------------------------------------
# Jahrestagung 2022, Leipzig: people and programme as the conference report names them.
# The report gives no end times for the welcome and the two talks, only that the
# break started at 15:00; their times below split 13:00–15:00 evenly. The evening
# at Restaurant „Wenzel“ has no time in the report either.

GOTTSCHALK = PersonSpec("Ingo", "Gottschalk", "Dr.", role_description="Vorsitzender des VSOP e.V.")
HEINTZE = PersonSpec("Isolde", "Heintze", "Prof. Dr. phil.", "Hochschule Mittweida")
WUNDERLICH = PersonSpec(
    "Holger", "Wunderlich", "Prof. Dr.", "Ostfalia Hochschule für angewandte Wissenschaften"
)
SCHULENBURG = PersonSpec(
    "Klaus",
    "Schulenburg",
    "Dr.",
    "Bayerischer Landkreistag",
    "Stellvertreter des Geschäftsführenden Präsidialmitglieds und Referent für Soziales, "
    "Gesundheit und Krankenhauswesen",
)
REICHHARDT = PersonSpec(
    "Gabriele",
    "Reichhardt",
    organisation="Stadt Stuttgart",
    role_description="Strategische Sozialplanung, Referat Soziales und gesellschaftliche Integration",
)
PETER = PersonSpec("Jan", "Peter", organisation="Stadt Stuttgart", role_description="Sozialamt")
DE_JONG = PersonSpec(
    "Katja",
    "de Jong",
    organisation="Landkreis Pinneberg",
    role_description="Stabsstelle Sozialplanung und Steuerung sowie Jugendhilfe und Sozialplanung",
)
OTTO = PersonSpec("Marius", "Otto", "Dr.", "Stadt Aachen", "Fachbereich Wohnen, Soziales und Integration")
HAUBOLD = PersonSpec("Friederike", "Haubold", organisation="Hochschule Mittweida")
ESCHE = PersonSpec("Tabea", "Esche", organisation="Hochschule Mittweida")
NIEDERSCHULTE = PersonSpec(
    "Anke",
    "Niederschulte",
    organisation="Kreis Düren",
    role_description="Amt für Demografie, Kinder, Jugend, Familien und Senioren u. a.",
)
ROSKOSCH_SCHENKER = PersonSpec(
    "Andrea",
    "Roskosch-Schenker",
    organisation="Dornbirn (Österreich)",
    role_description="Abteilung Gesundheit und Sozialplanung",
)
KERSTING = PersonSpec("Volker", "Kersting", organisation="Ruhr-Universität Bochum")
BRADNA = PersonSpec(
    "Monika",
    "Bradna",
    organisation="Esslingen am Neckar",
    role_description="Amt für Soziales, Integration und Sport",
)
JEKSTIES = PersonSpec(
    "Daniela",
    "Jeksties",
    organisation="Landkreis Göttingen",
    role_description="Referat Demografie und Sozialplanung",
)
HAMMER = PersonSpec("Christina", "Hammer", organisation="Göttingen", role_description="Sozialplanung")
FOERG = PersonSpec(
    "Richard",
    "Förg",
    organisation="Bocholt",
    role_description="Stabsstelle soziale Planung und Quartiersentwicklung",
)

LEIPZIG_PHASES = (
    PhaseSpec(
        1,
        "Standortbestimmung zur Sozialplanung in kreisfreien Städten und Landkreisen",
        Mode.GROUPS,
        guiding_question="Wo stehen wir heute?",
        description=(
            "Moderierte Arbeit in Diskussionsgruppen, die zu Beginn der Tagung zufällig zugeteilt "
            "werden. Im Vordergrund stehen das Kennenlernen und der Austausch von Erfahrungen mit "
            "sozialplanerischen Prozessen in den eigenen Kommunen; die Arbeitsphase stimmt auf die "
            "weiteren Themen und Workshops der Tagung ein."
        ),
    ),
    PhaseSpec(
        2,
        "Beispiele und Anforderungen zur Sozialplanung aus der Sicht kreisfreier Städte und Landkreise",
        Mode.CHOOSE,
        guiding_question="Was entwickelt sich?",
        description="Die Teilnehmenden wählen nach Interesse einen von sechs parallelen Workshops.",
        workshops=(
            WorkshopSpec("Integrierte Sozialplanung als Mehrwert für Landkreise", (SCHULENBURG,)),
            WorkshopSpec(
                "Verschiedene Dimensionen der integrierten Sozialplanung – "
                "von der operativen zur strategischen Ebene",
                (REICHHARDT, PETER),
            ),
            WorkshopSpec("Digitale integrierte Sozialplanung und kommunale Kooperation", (DE_JONG,)),
            WorkshopSpec("Sozial- und Wohnraumplanung und Segregation", (OTTO,)),
            WorkshopSpec(
                "Kooperationen zwischen Wissenschaft und Praxis: "
                "Hilfe zur Selbsthilfe für eine integrierte Sozialplanung",
                (HEINTZE, HAUBOLD, ESCHE),
                description=(
                    "Gemeinsam mit Masterstudierenden der Hochschule Mittweida, Fakultät Soziale Arbeit."
                ),
            ),
            WorkshopSpec(
                "Kooperation zwischen Landkreisen und kreisangehörigen Kommunen "
                "beim Aufbau eines kleinräumigen Monitorings",
                (NIEDERSCHULTE,),
            ),
        ),
    ),
    PhaseSpec(
        3,
        "Kooperationen zwischen kreisfreien Städten und Landkreisen im Rahmen der Sozialplanung",
        Mode.CHOOSE,
        guiding_question="Was ist möglich?",
        description="Wieder wählen die Teilnehmenden einen von fünf parallelen Workshops.",
        workshops=(
            WorkshopSpec(
                "Kommunikation und Wissensvernetzung, Good- und Bad-Practice-Beispiele",
                (ROSKOSCH_SCHENKER,),
            ),
            WorkshopSpec(
                "Sozial- und umweltgerechte Mobilität der Zukunft unter dem Aspekt ländlicher Raum "
                "und Stadt-Land-Verflechtung",
                (KERSTING, BRADNA),
            ),
            WorkshopSpec(
                "Was entwickelt sich? Gemeinsame Sozialberichterstattung von Stadt und Landkreis Göttingen",
                (JEKSTIES, HAMMER),
            ),
            WorkshopSpec("Sozialdaten in der Quartiersarbeit", (FOERG,)),
            WorkshopSpec(
                "Forum zum offenen Austausch zur Weiterentwicklung der Sozialplanung "
                "in Städten und Landkreisen",
                (ESCHE, HAUBOLD),
            ),
        ),
    ),
    PhaseSpec(
        4,
        "Reflexion zu Herausforderungen einer integrierten Sozialplanung vor Ort",
        Mode.GROUPS,
        guiding_question="Was kann ich tun?",
        description="Die Teilnehmenden treffen sich wieder in ihren Diskussionsgruppen vom ersten Tag.",
        reuses_groups_of=1,
    ),
)

_LEIPZIG_TALKS = "Vortrag zum Thema „Sozialplanung im ländlichen Raum und in der Stadt“."

LEIPZIG_ITEMS = (
    # Montag, 28.03.2022
    ItemSpec(0, "12:00", "13:00", Kind.BREAK, "Ankunft und kleines Buffet"),
    ItemSpec(
        0,
        "13:00",
        "13:15",
        Kind.WELCOME,
        "Begrüßung",
        description="Eröffnung der Tagung mit einigen Begrüßungsworten.",
        hosts=(GOTTSCHALK, HEINTZE),
    ),
    ItemSpec(
        0,
        "13:15",
        "14:05",
        Kind.TALK,
        "Integrierte Sozialplanung als Herausforderung in und zwischen Kreisen, Städten und Gemeinden",
        description=(
            f"{_LEIPZIG_TALKS} Der Vortrag nähert sich dem Begriff der integrierten Sozialplanung, "
            "beschreibt ihre Ebenen und Aufgabenbereiche, benennt Herausforderungen und Dilemmata "
            "und zeigt Lösungsansätze auf."
        ),
        speakers=(WUNDERLICH,),
    ),
    ItemSpec(
        0,
        "14:05",
        "15:00",
        Kind.TALK,
        "Operativ planen und gestalten. Wie kann integrierte Sozialplanung in Landkreisen gelingen?",
        description=(
            f"{_LEIPZIG_TALKS} Der Vortrag verbindet gesellschaftlichen Wandel und Sozialplanung, "
            "zeichnet die Entwicklungslinien der Sozialplanung mit ihren Elementen und Prozessen nach "
            "und gibt Anregungen für integrierte Sozialplanung, insbesondere in Landkreisen."
        ),
        speakers=(HEINTZE,),
    ),
    ItemSpec(0, "15:00", "15:30", Kind.BREAK, "Kurze Pause mit kleiner Stärkung am Buffet"),
    ItemSpec(
        0,
        "15:30",
        "17:30",
        Kind.WORKSHOP_PHASE,
        "1. Arbeitsphase: Standortbestimmung zur Sozialplanung in kreisfreien Städten und "
        "Landkreisen – Wo stehen wir heute?",
        description="In zufällig zugeteilten Diskussionsgruppen.",
        phase=1,
    ),
    ItemSpec(
        0,
        "19:00",
        None,
        Kind.EVENING,
        "30 Jahre VSOP e.V. – Jubiläumsfeier der Mitglieder",
        description="Die Mitglieder feiern das 30-jährige Jubiläum des Vereins.",
        room="Auerbachs Keller, Leipzig",
        members_only=True,
        requires_signup=True,
    ),
    # Dienstag, 29.03.2022
    ItemSpec(1, "09:00", "10:00", Kind.WELCOME, "Kleines Frühstücksbuffet und Begrüßung", room="Weißer Saal"),
    ItemSpec(
        1,
        "10:00",
        "13:00",
        Kind.WORKSHOP_PHASE,
        "2. Arbeitsphase: Beispiele und Anforderungen zur Sozialplanung aus der Sicht kreisfreier "
        "Städte und Landkreise – Was entwickelt sich?",
        description="Sechs Workshops zur Wahl.",
        phase=2,
    ),
    ItemSpec(1, "13:00", "14:00", Kind.BREAK, "Mittagspause"),
    ItemSpec(
        1,
        "14:00",
        "17:00",
        Kind.WORKSHOP_PHASE,
        "3. Arbeitsphase: Kooperationen zwischen kreisfreien Städten und Landkreisen im Rahmen der "
        "Sozialplanung – Was ist möglich?",
        description="Fünf Workshops zur Wahl.",
        phase=3,
    ),
    ItemSpec(
        1,
        "19:00",
        None,
        Kind.EVENING,
        "Ausklang im Restaurant „Wenzel“",
        description="Wer mag, lässt den Tag gemeinsam in der Leipziger Innenstadt ausklingen.",
        room="Restaurant „Wenzel“, Leipziger Innenstadt",
    ),
    # Mittwoch, 30.03.2022
    ItemSpec(2, "09:00", "09:15", Kind.WELCOME, "Kurze Begrüßung"),
    ItemSpec(
        2,
        "09:15",
        "11:00",
        Kind.WORKSHOP_PHASE,
        "4. Arbeitsphase: Reflexion zu Herausforderungen einer integrierten Sozialplanung vor Ort – "
        "Was kann ich tun?",
        description="In den Diskussionsgruppen vom ersten Tag.",
        phase=4,
    ),
    ItemSpec(
        2,
        "11:00",
        "11:45",
        Kind.PLENARY,
        "Plenum: Was kann ich resümieren?",
        description=(
            "Die Moderatorinnen, Moderatoren und Referierenden geben kurz die Ergebnisse und "
            "Erkenntnisse der Diskussionen wieder."
        ),
    ),
    ItemSpec(2, "11:45", "12:00", Kind.PLENARY, "Schlusswort", hosts=(GOTTSCHALK,)),
    ItemSpec(
        2,
        "13:00",
        "16:00",
        Kind.ASSEMBLY,
        "Mitgliederversammlung mit Vorstandswahl",
        members_only=True,
    ),
)

LEIPZIG_REPORT = """\
Vom 28. bis 30. März 2022 trafen sich Sozialplanerinnen und Sozialplaner aus Städten, Landkreisen, \
Gemeinden und Hochschulen zur Jahrestagung des VSOP e.V. in der Kongresshalle am Zoo Leipzig. \
Unter dem Thema „Integrierte Sozialplanung für kreisfreie Städte und Gemeinden“ ging es darum, \
wie integrierte Sozialplanung in Städten und Landkreisen gelingen kann und wie die kommunalen \
Ebenen dabei zusammenarbeiten.

Nach der Begrüßung durch den Vorsitzenden Dr. Ingo Gottschalk und Prof. Dr. phil. Isolde Heintze \
(Hochschule Mittweida) führten zwei Vorträge in das Thema „Sozialplanung im ländlichen Raum und in \
der Stadt“ ein. Prof. Dr. Holger Wunderlich (Ostfalia Hochschule für angewandte Wissenschaften) \
klärte den Begriff der integrierten Sozialplanung, ihre Ebenen und Aufgabenbereiche und benannte \
Dilemmata ebenso wie Lösungswege. Prof. Dr. phil. Isolde Heintze verband gesellschaftlichen Wandel \
und die Entwicklung der Sozialplanung und gab Anregungen, wie integrierte Sozialplanung gerade in \
Landkreisen operativ gestaltet werden kann.

In der ersten Arbeitsphase kamen die Teilnehmenden in zufällig zusammengesetzten \
Diskussionsgruppen zu einer Standortbestimmung zusammen: Wo stehen wir heute? Kennenlernen und \
der Austausch über Planungsprozesse in den eigenen Kommunen standen im Vordergrund. Am Abend \
feierten die Mitglieder im Auerbachs Keller das 30-jährige Bestehen des Vereins.

Der zweite Tag gehörte den Workshops. Am Vormittag zeigten Kolleginnen und Kollegen aus Stuttgart, \
Aachen, den Kreisen Pinneberg und Düren, dem Bayerischen Landkreistag und der Hochschule Mittweida \
Beispiele und Anforderungen aus Städten und Landkreisen – von digitaler Sozialplanung über \
Wohnraumplanung und Segregation bis zum kleinräumigen Monitoring. Am Nachmittag ging es um \
Kooperationen zwischen kreisfreien Städten und Landkreisen: Wissensvernetzung, Mobilität zwischen \
Stadt und Land, die gemeinsame Sozialberichterstattung von Stadt und Landkreis Göttingen, \
Sozialdaten in der Quartiersarbeit und ein offenes Forum zur Weiterentwicklung der Sozialplanung.

Am dritten Tag kehrten die Teilnehmenden in ihre Gruppen vom ersten Tag zurück und fragten: Was \
kann ich vor Ort tun? Im abschließenden Plenum fassten Moderierende und Referierende die Ergebnisse \
zusammen.

Integrierte Sozialplanung sieht je nach regionalen Rahmenbedingungen von Kommune zu Kommune anders \
aus. Diese Vielfalt muss immer wieder neu besprochen werden; dafür braucht es regelmäßige Formate, \
in denen Kommunen Erfahrungen austauschen und voneinander lernen.

Wichtig bleiben: eine kommunale Sozialberichterstattung, die – vor allem in Landkreisen – um \
qualitative Elemente ergänzt wird; die Expertise der Sozialen Arbeit vor Ort; die \
Professionalisierung der Sozialplanung, auch mit digitalen Werkzeugen; die Zusammenarbeit zwischen \
Landkreisen und kreisfreien Städten ebenso wie zwischen Landkreisen und kreisangehörigen Kommunen; \
die Nutzung von Netzwerken; ein Stellenwert der Sozialplanung, der immer wieder deutlich gemacht \
werden muss; der Wunsch nach einer gesetzlichen Verankerung der Sozialplanung und das Thema \
Mobilität, zu dem eine Arbeitsgruppe gegründet werden soll.

Unterstützen können Hochschulen und Universitäten im Umfeld der Kommunen. Diese Möglichkeit sollte \
öfter genutzt werden, um Hilfe zur Selbsthilfe anzustoßen.

Dr. Ingo Gottschalk beendete die Tagung mit einem Schlusswort. Am Nachmittag folgte die \
Mitgliederversammlung des VSOP e.V. mit der Wahl des Vorstands."""

LEIPZIG = {
    "title": "Jahrestagung 2022",
    "motto": "Integrierte Sozialplanung für kreisfreie Städte und Gemeinden",
    "description": (
        "Jahrestagung des VSOP e.V. in der Kongresshalle am Zoo Leipzig: zwei Vorträge zur "
        "Sozialplanung im ländlichen Raum und in der Stadt, vier Arbeitsphasen in "
        "Diskussionsgruppen und Workshops, das 30-jährige Jubiläum des Vereins und die "
        "Mitgliederversammlung mit Vorstandswahl."
    ),
    "city": "Leipzig",
    "venue_name": "Kongresshalle am Zoo Leipzig",
    "starts_at": dt.datetime(2022, 3, 28, 12, 0, tzinfo=BERLIN),
    "ends_at": dt.datetime(2022, 3, 30, 16, 0, tzinfo=BERLIN),
    "places": 0,  # registration for a past conference is closed
    "programme_published": True,
    "status": Conference.Status.PUBLISHED,
    "is_demo": False,
    "contact_email": "geschaeftsstelle@vsop.de",
    "report": LEIPZIG_REPORT,
}

# ---------------------------------------------------------------------------
# Kleine Jahrestagung 2025, Köln: only the announcement exists.

KOELN_DESCRIPTION = """\
Integrierte Sozialplanung gilt in der fachpolitischen Diskussion als Leitbild einer zeitgemäßen \
Sozialplanung. Sie verknüpft Planungsbereiche und Perspektiven, soll gerade in den Kommunen \
Problemlagen früh erkennen, auf gesellschaftliche Entwicklungen reagieren und notwendige \
Veränderungen mitgestalten.

In der kommunalen Praxis klaffen Anspruch und Wirklichkeit jedoch oft auseinander: Fachplanungen \
konkurrieren um Ressourcen, Daten fehlen oder sind nicht verwertbar, politische Ziele widersprechen \
sich, und häufig fehlt die strategische Verankerung. Vielerorts wird deshalb weiterhin versäult, \
unabgestimmt und selten ressortübergreifend geplant.

Zugleich wächst der Handlungsdruck: Krisen wie Corona, Migration, Klima- und Energiefragen, \
finanzielle Engpässe und gesellschaftliche Polarisierung fordern die Kommunen heraus. Wie soll \
integrierte Sozialplanung darauf reagieren – und kann sie weitermachen wie bisher?

Auf der Kleinen Jahrestagung gehen wir diesen Fragen gemeinsam auf den Grund. In offener Diskussion \
analysieren wir typische Dilemmata der Praxis und entwickeln Ansätze, wie der Anspruch integrierter \
Sozialplanung auch unter schwierigen Bedingungen besser eingelöst werden kann. Dazu bietet die \
Tagung Gelegenheit, sich mit Fachkolleginnen und -kollegen zu vernetzen und neue Impulse \
mitzunehmen.

Wegen der begrenzten Plätze bitten wir um eine unverbindliche Voranmeldung bis zum 2. Juni 2025. \
So behält der Vorbereitungskreis die Kapazitäten im Blick, und Sie können sich einen Platz \
reservieren, bis zum Beispiel Ihre Dienstreise genehmigt ist. Alle Vorangemeldeten erhalten zeitnah \
das ausführliche Tagungsprogramm und ein Anmeldeformular. Die verbindliche Anmeldung mit \
Zahlungsvereinbarung benötigen wir bis zum 4. Juli 2025."""

KOELN = {
    "title": "Kleine Jahrestagung 2025",
    "motto": "Integrierte Sozialplanung zwischen Anspruch, Praxis und gesellschaftlicher Polarisierung",
    "description": KOELN_DESCRIPTION,
    "city": "Köln",
    "starts_at": dt.datetime(2025, 9, 25, 10, 0, tzinfo=BERLIN),
    "ends_at": dt.datetime(2025, 9, 26, 14, 0, tzinfo=BERLIN),
    "places": 60,
    "member_fee": Decimal("250.00"),
    "non_member_fee": Decimal("300.00"),
    "pre_registration_deadline": dt.date(2025, 6, 2),
    "registration_deadline": dt.date(2025, 7, 4),
    "contact_email": "geschaeftsstelle@vsop.de",
    "status": Conference.Status.PUBLISHED,
    "programme_published": False,
    "is_demo": False,
}

# ---------------------------------------------------------------------------
# Demo-Jahrestagung: an upcoming conference modelled on 2022. Every person and
# place here is invented, so that nobody real appears in a demonstration.

_DEMO = "Fiktive Person für die Demo-Tagung"
DEMO_CHAIR = PersonSpec("Max", "Mustermann", "Dr.", "VSOP e.V. (Demo)", "Vorsitzender (fiktiv)")
DEMO_PROFESSOR = PersonSpec("Erika", "Mustermann", "Prof. Dr.", "Hochschule Musterstadt", _DEMO)
DEMO_PLANNER = PersonSpec("Anna", "Beispiel", "Dr.", "Landkreis Beispielland", _DEMO)
DEMO_CITY = PersonSpec("Jonas", "Exempel", organisation="Stadt Musterstadt", role_description=_DEMO)
DEMO_YOUTH = PersonSpec("Lena", "Vorlage", organisation="Landkreis Beispielland", role_description=_DEMO)
DEMO_MONITORING = PersonSpec("Paul", "Platzhalter", organisation="Kreis Musterkreis", role_description=_DEMO)
DEMO_HOUSING = PersonSpec("Clara", "Probe", organisation="Stadt Beispielhausen", role_description=_DEMO)
DEMO_SCHOOL = PersonSpec("Felix", "Muster", organisation="Hochschule Musterstadt", role_description=_DEMO)
DEMO_QUARTER = PersonSpec("Greta", "Fiktiv", organisation="Gemeinde Musterdorf", role_description=_DEMO)
DEMO_HEALTH = PersonSpec("Hanna", "Schablone", organisation="Landkreis Beispielland", role_description=_DEMO)

DEMO_PHASES = (
    PhaseSpec(
        1,
        "Standortbestimmung: Sozialplanung in unserer Kommune",
        Mode.GROUPS,
        guiding_question="Wo stehen wir heute?",
        description="Diskussionsgruppen, die zu Beginn der Tagung zufällig zugeteilt werden.",
    ),
    PhaseSpec(
        2,
        "Beispiele aus Städten und Landkreisen",
        Mode.CHOOSE,
        guiding_question="Was entwickelt sich?",
        description="Fünf Workshops zur Wahl.",
        workshops=(
            WorkshopSpec("Integrierte Sozialplanung im Landkreis aufbauen", (DEMO_YOUTH,), room="Raum 1"),
            WorkshopSpec(
                "Vom Datensatz zum Sozialbericht: kleinräumiges Monitoring",
                (DEMO_MONITORING,),
                room="Raum 2",
                seat_limit=15,
            ),
            WorkshopSpec(
                "Wohnen, Segregation und soziale Infrastruktur", (DEMO_HOUSING,), room="Raum 3", seat_limit=25
            ),
            WorkshopSpec("Digitale Werkzeuge für die Sozialplanung", (DEMO_CITY,), room="Raum 4"),
            WorkshopSpec(
                "Hochschule und Praxis: Hilfe zur Selbsthilfe",
                (DEMO_SCHOOL, DEMO_PROFESSOR),
                room="Raum 5",
            ),
        ),
    ),
    PhaseSpec(
        3,
        "Kooperationen zwischen Städten und Landkreisen",
        Mode.CHOOSE,
        guiding_question="Was ist möglich?",
        description="Vier Workshops zur Wahl.",
        workshops=(
            WorkshopSpec(
                "Gemeinsame Sozialberichterstattung von Stadt und Landkreis",
                (DEMO_PLANNER, DEMO_CITY),
                room="Raum 1",
            ),
            WorkshopSpec("Sozialdaten in der Quartiersarbeit", (DEMO_QUARTER,), room="Raum 2", seat_limit=15),
            WorkshopSpec("Gesundheit und Pflege in der integrierten Planung", (DEMO_HEALTH,), room="Raum 3"),
            WorkshopSpec(
                "Offenes Forum: Sozialplanung weiterentwickeln", (DEMO_SCHOOL,), room="Raum 4", seat_limit=30
            ),
        ),
    ),
    PhaseSpec(
        4,
        "Reflexion: Herausforderungen vor Ort",
        Mode.GROUPS,
        guiding_question="Was kann ich tun?",
        description="In den Diskussionsgruppen vom ersten Tag.",
        reuses_groups_of=1,
    ),
)

_HALL = "Großer Saal"
DEMO_ITEMS = (
    ItemSpec(0, "10:00", "11:00", Kind.BREAK, "Ankunft, Anmeldung und Stehkaffee", room="Foyer"),
    ItemSpec(0, "11:00", "11:20", Kind.WELCOME, "Begrüßung", room=_HALL, hosts=(DEMO_CHAIR, DEMO_PROFESSOR)),
    ItemSpec(
        0,
        "11:20",
        "12:05",
        Kind.TALK,
        "Integrierte Sozialplanung zwischen Anspruch und Wirklichkeit",
        room=_HALL,
        speakers=(DEMO_PROFESSOR,),
    ),
    ItemSpec(
        0,
        "12:05",
        "12:50",
        Kind.TALK,
        "Operativ planen im Landkreis: ein Werkstattbericht",
        room=_HALL,
        speakers=(DEMO_PLANNER,),
    ),
    ItemSpec(0, "12:50", "13:45", Kind.BREAK, "Mittagspause", room="Foyer"),
    ItemSpec(
        0,
        "13:45",
        "16:30",
        Kind.WORKSHOP_PHASE,
        "1. Arbeitsphase: Standortbestimmung – Wo stehen wir heute?",
        phase=1,
    ),
    ItemSpec(
        0,
        "19:00",
        "22:00",
        Kind.EVENING,
        "Mitgliederabend des VSOP e.V.",
        room="Ratskeller Musterstadt (fiktiv)",
        members_only=True,
        requires_signup=True,
    ),
    ItemSpec(1, "09:00", "09:30", Kind.WELCOME, "Frühstück und Begrüßung", room=_HALL),
    ItemSpec(
        1,
        "09:30",
        "12:30",
        Kind.WORKSHOP_PHASE,
        "2. Arbeitsphase: Beispiele aus Städten und Landkreisen – Was entwickelt sich?",
        phase=2,
    ),
    ItemSpec(1, "12:30", "13:30", Kind.BREAK, "Mittagspause", room="Foyer"),
    ItemSpec(
        1,
        "13:30",
        "16:30",
        Kind.WORKSHOP_PHASE,
        "3. Arbeitsphase: Kooperationen zwischen Städten und Landkreisen – Was ist möglich?",
        phase=3,
    ),
    ItemSpec(
        1,
        "19:00",
        "22:00",
        Kind.EVENING,
        "Gemeinsamer Abend für alle Teilnehmenden",
        room="Restaurant „Zur Vorlage“ (fiktiv)",
        requires_signup=True,
    ),
    ItemSpec(2, "09:00", "09:15", Kind.WELCOME, "Kurze Begrüßung", room=_HALL),
    ItemSpec(
        2,
        "09:15",
        "11:00",
        Kind.WORKSHOP_PHASE,
        "4. Arbeitsphase: Reflexion – Was kann ich tun?",
        phase=4,
    ),
    ItemSpec(2, "11:00", "11:45", Kind.PLENARY, "Plenum: Was nehmen wir mit?", room=_HALL),
    ItemSpec(2, "11:45", "12:00", Kind.PLENARY, "Schlusswort", room=_HALL, hosts=(DEMO_CHAIR,)),
    ItemSpec(2, "12:00", "13:00", Kind.BREAK, "Mittagspause", room="Foyer"),
    ItemSpec(2, "13:00", "16:00", Kind.ASSEMBLY, "Mitgliederversammlung", room=_HALL, members_only=True),
)


# ---------------------------------------------------------------------------
# Pages the office edits itself; only created when missing.


def privacy_notice_text():
    a = settings.ASSOCIATION
    return f"""\
Hinweis für die Geschäftsstelle: Dieser Text ist eine Vorlage. Bitte vor der Veröffentlichung \
prüfen (lassen), an die tatsächlichen Abläufe, Dienstleister und Fristen anpassen und diesen \
Absatz dann löschen.

1. Verantwortlicher
Verantwortlich für die Verarbeitung Ihrer personenbezogenen Daten auf dieser Website ist der \
{a["name"]}, {a["street"]}, {a["postcode"]} {a["city"]}, E-Mail: {a["email"]}.

2. Welche Daten wir verarbeiten und wozu
Wenn Sie sich zu einer Tagung voranmelden oder verbindlich anmelden, verarbeiten wir die Angaben \
aus dem Formular: Anrede, Titel, Name, E-Mail-Adresse, Organisation, Funktion, Angaben zur \
Mitgliedschaft, Ihre Wahl von Workshops und Abendveranstaltungen sowie Rechnungsangaben. Wir \
nutzen diese Daten, um Ihre Anmeldung zu bearbeiten, Plätze zu vergeben und eine Warteliste zu \
führen, Sie über die Tagung zu informieren, Workshops und Diskussionsgruppen einzuteilen, \
Teilnahmelisten und Namensschilder zu erstellen und die Teilnahmegebühr abzurechnen.

3. Rechtsgrundlagen
Die Verarbeitung für Anmeldung, Durchführung und Abrechnung der Tagung beruht auf Art. 6 Abs. 1 \
lit. b DSGVO (Vertrag und vorvertragliche Maßnahmen). Soweit wir gesetzlich zur Aufbewahrung \
verpflichtet sind, insbesondere von Rechnungen, beruht sie auf Art. 6 Abs. 1 lit. c DSGVO. Für den \
sicheren Betrieb der Website, etwa Server-Protokolle und den Schutz der Formulare vor Missbrauch, \
stützen wir uns auf unser berechtigtes Interesse nach Art. 6 Abs. 1 lit. f DSGVO.

4. Cookies
Die Website setzt nur technisch notwendige Cookies (Sitzung und Schutz der Formulare vor \
Fälschung). Sie dienen nicht der Analyse oder Werbung.

5. Empfänger
Ihre Daten sehen nur die Geschäftsstelle und der Vorbereitungskreis der Tagung. Technische \
Dienstleister, etwa für das Hosting der Website und den E-Mail-Versand, verarbeiten Daten in \
unserem Auftrag (Art. 28 DSGVO). [Dienstleister bitte ergänzen.]

6. Speicherdauer
Wir löschen Anmeldedaten, sobald sie für die Durchführung und Abrechnung der Tagung nicht mehr \
erforderlich sind, spätestens [Frist ergänzen, z. B. zwölf Monate] nach der Tagung. Rechnungen und \
andere Buchungsbelege bewahren wir so lange auf, wie es das Handels- und Steuerrecht verlangt \
(§ 147 Abgabenordnung, § 257 Handelsgesetzbuch).

7. Ihre Rechte
Sie haben das Recht auf Auskunft (Art. 15 DSGVO), Berichtigung (Art. 16), Löschung (Art. 17), \
Einschränkung der Verarbeitung (Art. 18), Datenübertragbarkeit (Art. 20) und Widerspruch gegen \
Verarbeitungen auf Grundlage berechtigter Interessen (Art. 21). Sie können sich außerdem bei einer \
Datenschutz-Aufsichtsbehörde beschweren (Art. 77 DSGVO).

8. Kontakt
Fragen zum Datenschutz richten Sie bitte an {a["email"]}.

Stand: [Datum ergänzen]"""


def impressum_text():
    a = settings.ASSOCIATION
    lines = [
        "Hinweis für die Geschäftsstelle: Dieser Text ist eine Vorlage. Bitte die Angaben in eckigen "
        "Klammern ergänzen, alles prüfen und diesen Absatz dann löschen.",
        f"Angaben gemäß § 5 Digitale-Dienste-Gesetz (DDG)\n{a['name']}\n{a['street']}\n"
        f"{a['postcode']} {a['city']}",
        "Vertreten durch den Vorstand: [Namen der vertretungsberechtigten Vorstandsmitglieder]",
        "Kontakt\n"
        + "\n".join(
            line
            for line in (
                f"E-Mail: {a['email']}",
                f"Telefon: {a['phone']}" if a["phone"] else "",
                f"Website: {a['website']}",
            )
            if line
        ),
        f"Registereintrag: {a['register'] or '[Vereinsregister, Registergericht und Nummer]'}",
        "Verantwortlich für den Inhalt nach § 18 Abs. 2 MStV: [Name und Anschrift]",
    ]
    return "\n\n".join(lines)


# ---------------------------------------------------------------------------
# Loading


@dataclass
class Summary:
    """What a run created or changed, per model, for the command's output."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    messages: list[str] = field(default_factory=list)

    def lines(self):
        lines = []
        for model in (Conference, WorkshopPhase, Workshop, ProgrammeItem, Person, SitePage):
            name = str(model._meta.verbose_name_plural)
            lines.append(
                f"{name}: {model.objects.count()} insgesamt, {self.created[name]} neu, "
                f"{self.updated[name]} geändert"
            )
        return lines + self.messages


def _differs(obj, name, value):
    model_field = obj._meta.get_field(name)
    if isinstance(value, models.Model):
        return getattr(obj, model_field.attname) != value.pk
    if value is None and model_field.is_relation:
        return getattr(obj, model_field.attname) is not None
    return getattr(obj, name) != value


def _upsert(summary, model, lookup, values):
    """Find by the natural key in `lookup`; create, or save only the values that differ."""
    name = str(model._meta.verbose_name_plural)
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        summary.created[name] += 1
        return obj
    changed = [key for key, value in values.items() if _differs(obj, key, value)]
    if changed:
        for key in changed:
            setattr(obj, key, values[key])
        obj.full_clean()
        obj.save(update_fields=changed)
        summary.updated[name] += 1
    return obj


def _person(summary, spec):
    return _upsert(
        summary,
        Person,
        {"first_name": spec.first_name, "last_name": spec.last_name},
        {
            "academic_title": spec.academic_title,
            "organisation": spec.organisation,
            "role_description": spec.role_description,
        },
    )


def _at(first_day, day, clock):
    return dt.datetime.combine(
        first_day + dt.timedelta(days=day), dt.time.fromisoformat(clock), tzinfo=BERLIN
    )


def _load_programme(summary, conference, phases, items):
    """Phases with their workshops and moderators, then the schedule, for one conference."""
    by_number = {}
    for spec in phases:
        phase = _upsert(
            summary,
            WorkshopPhase,
            {"conference": conference, "number": spec.number},
            {
                "title": spec.title,
                "guiding_question": spec.guiding_question,
                "description": spec.description,
                "mode": spec.mode,
                "reuses_groups_of": by_number[spec.reuses_groups_of] if spec.reuses_groups_of else None,
            },
        )
        by_number[spec.number] = phase
        for order, workshop_spec in enumerate(spec.workshops, start=1):
            workshop = _upsert(
                summary,
                Workshop,
                {"phase": phase, "title": workshop_spec.title},
                {
                    "description": workshop_spec.description,
                    "room": workshop_spec.room,
                    "seat_limit": workshop_spec.seat_limit,
                    "order": order,
                },
            )
            for position, person_spec in enumerate(workshop_spec.moderators, start=1):
                _upsert(
                    summary,
                    WorkshopModerator,
                    {"workshop": workshop, "person": _person(summary, person_spec)},
                    {"order": position},
                )

    first_day = timezone.localtime(conference.starts_at, BERLIN).date()
    for spec in items:
        item = _upsert(
            summary,
            ProgrammeItem,
            {
                "conference": conference,
                "starts_at": _at(first_day, spec.day, spec.starts),
                "title": spec.title,
            },
            {
                "kind": spec.kind,
                "description": spec.description,
                "ends_at": _at(first_day, spec.day, spec.ends) if spec.ends else None,
                "room": spec.room,
                "members_only": spec.members_only,
                "requires_signup": spec.requires_signup,
                "workshop_phase": by_number[spec.phase] if spec.phase else None,
            },
        )
        people = [(p, Appearance.Role.HOST) for p in spec.hosts]
        people += [(p, Appearance.Role.SPEAKER) for p in spec.speakers]
        for position, (person_spec, role) in enumerate(people, start=1):
            _upsert(
                summary,
                Appearance,
                {"item": item, "person": _person(summary, person_spec), "role": role},
                {"order": position},
            )


def _demo_conference(summary):
    """The demo conference is created once with dates relative to today and then left alone."""
    conference = Conference.objects.filter(slug=DEMO_SLUG).first()
    if conference is not None:
        return conference
    today = timezone.localdate()
    first_day = today + dt.timedelta(days=90)
    return _upsert(
        summary,
        Conference,
        {"slug": DEMO_SLUG},
        {
            "title": f"Demo-Jahrestagung {first_day.year}",
            "motto": "Sozialplanung vor Ort – gemeinsam planen, gemeinsam handeln",
            "description": (
                "Dies ist eine Demonstration der Tagungsverwaltung. Tagung, Personen und Orte sind "
                "erfunden; Anmeldungen zu dieser Tagung sind nicht verbindlich.\n\n"
                "Das Programm folgt dem Aufbau einer Jahrestagung des VSOP e.V.: Vorträge, vier "
                "Arbeitsphasen in Diskussionsgruppen und Workshops zur Wahl, Abendveranstaltungen "
                "und die Mitgliederversammlung."
            ),
            "city": "Musterstadt",
            "venue_name": "Tagungszentrum Musterstadt (fiktiv)",
            "venue_address": "Musterstraße 1\n12345 Musterstadt",
            "starts_at": _at(first_day, 0, "10:00"),
            "ends_at": _at(first_day, 2, "16:00"),
            "places": 120,
            "member_fee": Decimal("250.00"),
            "non_member_fee": Decimal("300.00"),
            "pre_registration_deadline": today + dt.timedelta(days=40),
            "registration_deadline": today + dt.timedelta(days=60),
            "programme_published": True,
            "status": Conference.Status.PUBLISHED,
            "is_demo": True,
        },
    )


def _site_pages(summary):
    for slug, title, body in (
        ("datenschutz", "Datenschutzerklärung", privacy_notice_text),
        ("impressum", "Impressum", impressum_text),
    ):
        _, created = SitePage.objects.get_or_create(slug=slug, defaults={"title": title, "body": body()})
        if created:
            summary.created[str(SitePage._meta.verbose_name_plural)] += 1


def _office_account(summary):
    """A login for trying the admin locally; never created when DEBUG is off."""
    if not settings.DEBUG:
        return
    User = get_user_model()
    if User.objects.filter(username=OFFICE_USERNAME).exists():
        summary.messages.append(
            f"Demo-Zugang für /admin/: Benutzer {OFFICE_USERNAME} (besteht schon, Passwort unverändert)"
        )
        return
    User.objects.create_superuser(
        username=OFFICE_USERNAME, email=settings.ASSOCIATION["email"], password=OFFICE_PASSWORD
    )
    summary.messages.append(f"Demo-Zugang für /admin/: Benutzer {OFFICE_USERNAME} Passwort {OFFICE_PASSWORD}")


def load_demo():
    """Load or complete the demo data in one transaction; return what changed."""
    summary = Summary()
    with transaction.atomic():
        leipzig = _upsert(summary, Conference, {"slug": LEIPZIG_SLUG}, LEIPZIG)
        _load_programme(summary, leipzig, LEIPZIG_PHASES, LEIPZIG_ITEMS)
        _upsert(summary, Conference, {"slug": KOELN_SLUG}, KOELN)
        demo = _demo_conference(summary)
        _load_programme(summary, demo, DEMO_PHASES, DEMO_ITEMS)
        _site_pages(summary)
        _office_account(summary)
    return summary
