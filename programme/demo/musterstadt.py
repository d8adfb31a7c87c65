"""Demo-Jahrestagung: an upcoming conference modelled on 2022.

Every person and place here is invented, so that nobody real appears in a
demonstration. The conference is created once with dates relative to the day of
loading (see `conference`) and then left alone.
"""

import datetime as dt
from decimal import Decimal

from ..models import Conference
from .specs import ItemSpec, Kind, Mode, PersonSpec, PhaseSpec, WorkshopSpec, at

SLUG = "demo-jahrestagung"

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

PHASES = (
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
ITEMS = (
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


def conference(today):
    """The demo conference's values: three days starting 90 days after `today`, registration open."""
    first_day = today + dt.timedelta(days=90)
    return {
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
        "starts_at": at(first_day, 0, "10:00"),
        "ends_at": at(first_day, 2, "16:00"),
        "places": 120,
        "member_fee": Decimal("250.00"),
        "non_member_fee": Decimal("300.00"),
        "pre_registration_deadline": today + dt.timedelta(days=40),
        "registration_deadline": today + dt.timedelta(days=60),
        "programme_published": True,
        "status": Conference.Status.PUBLISHED,
        "is_demo": True,
    }
