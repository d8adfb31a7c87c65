"""Jahrestagung 2022, Leipzig: people and programme as the conference report names them.

The report gives no end times for the welcome and the two talks, only that the
break started at 15:00; their times below split 13:00–15:00 evenly. The evening
at Restaurant „Wenzel“ has no time in the report either.
"""

import datetime as dt

from ..models import Conference
from .specs import BERLIN, ItemSpec, Kind, Mode, PersonSpec, PhaseSpec, WorkshopSpec

SLUG = "jahrestagung-2022-leipzig"

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

PHASES = (
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

_TALKS = "Vortrag zum Thema „Sozialplanung im ländlichen Raum und in der Stadt“."

ITEMS = (
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
            f"{_TALKS} Der Vortrag nähert sich dem Begriff der integrierten Sozialplanung, "
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
            f"{_TALKS} Der Vortrag verbindet gesellschaftlichen Wandel und Sozialplanung, "
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

REPORT = """\
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

CONFERENCE = {
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
    "report": REPORT,
}
