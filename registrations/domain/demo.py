"""Demo participants for the demo conference, so the office can try groups and lists.

`fill_demo_participants(count=120)` gives the demo conference (programme/demo.py,
slug `demo-jahrestagung`) `count` binding registrations from about 40 invented but
realistic organisations: Kommunen, Landkreise, Hochschulen and freie Träger. Names
and organisations come from a seeded generator, so every run produces the same
people; a second run only adds who is missing (people are recognised by their
e-mail address). No invoices are issued: invoice numbers are gapless per year, and
demo invoices would use up real numbers. Each new participant also chooses a
workshop in every choice phase through the workshops service (the popular ones fill
up and get waiting lists). No mails are sent.
"""

import random
import unicodedata
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from programme.demo import DEMO_SLUG
from programme.models import Conference

from ..models import Registration, WorkshopBooking
from .locking import lock_conference

DEMO_EMAIL_DOMAIN = "demo-teilnehmende.example"

# (organisation, city for the billing address, how many people it usually sends)
ORGANISATIONS = (
    ("Stadt Köln, Amt für Soziales, Arbeit und Senioren", "50667 Köln", 5),
    ("Landeshauptstadt München, Sozialreferat", "80331 München", 4),
    ("Stadt Nürnberg, Referat für Jugend, Familie und Soziales", "90403 Nürnberg", 3),
    ("Landkreis Göttingen, Referat Demografie und Sozialplanung", "37083 Göttingen", 4),
    ("Stadt Göttingen, Fachbereich Soziales", "37073 Göttingen", 2),
    ("Kreis Düren, Amt für Demografie, Kinder, Jugend, Familie und Senioren", "52351 Düren", 3),
    ("Kreis Pinneberg, Stabsstelle Sozialplanung und Steuerung", "25421 Pinneberg", 3),
    ("Landkreis Mittelsachsen, Sozialamt", "09599 Freiberg", 3),
    ("Landkreis Görlitz, Sozialplanung", "02826 Görlitz", 2),
    ("Landkreis Lüneburg, Fachdienst Soziales", "21339 Lüneburg", 2),
    ("Landkreis Fürstenfeldbruck, Sozialplanung", "82256 Fürstenfeldbruck", 2),
    ("Stadt Bocholt, Stabsstelle soziale Planung und Quartiersentwicklung", "46399 Bocholt", 2),
    ("Stadt Esslingen am Neckar, Amt für Soziales, Integration und Sport", "73728 Esslingen am Neckar", 3),
    ("Landeshauptstadt Stuttgart, Sozialamt", "70173 Stuttgart", 4),
    ("Stadt Aachen, Fachbereich Wohnen, Soziales und Integration", "52062 Aachen", 3),
    ("Stadt Leipzig, Sozialamt", "04109 Leipzig", 4),
    ("Landeshauptstadt Dresden, Sozialamt", "01067 Dresden", 3),
    ("Stadt Chemnitz, Sozialamt", "09111 Chemnitz", 2),
    ("Stadt Jena, Fachdienst Soziales", "07743 Jena", 2),
    ("Landkreis Böblingen, Sozialdezernat", "71034 Böblingen", 3),
    ("Rhein-Sieg-Kreis, Sozialplanung", "53721 Siegburg", 3),
    ("Märkischer Kreis, Fachdienst Soziales", "58762 Altena", 2),
    ("Städteregion Aachen, Sozialamt", "52070 Aachen", 2),
    ("Landkreis Osnabrück, Fachdienst Soziales", "49082 Osnabrück", 3),
    ("Stadt Münster, Sozialamt", "48143 Münster", 3),
    ("Hansestadt Lübeck, Bereich Soziale Sicherung", "23552 Lübeck", 2),
    ("Stadt Würzburg, Fachbereich Jugend und Familie", "97070 Würzburg", 2),
    ("Landkreis Würzburg, Sozialplanung", "97070 Würzburg", 2),
    ("Stadt Mülheim an der Ruhr, Sozialamt", "45468 Mülheim an der Ruhr", 2),
    (
        "Bezirksamt Friedrichshain-Kreuzberg von Berlin, Sozialraumorientierte Planungskoordination",
        "10243 Berlin",
        3,
    ),
    ("Freie und Hansestadt Hamburg, Sozialbehörde", "22083 Hamburg", 3),
    ("Hochschule Mittweida, Fakultät Soziale Arbeit", "09648 Mittweida", 4),
    ("Ruhr-Universität Bochum, Fakultät für Sozialwissenschaft", "44801 Bochum", 2),
    ("Hochschule Düsseldorf, Fachbereich Sozial- und Kulturwissenschaften", "40476 Düsseldorf", 2),
    ("Technische Hochschule Köln, Fakultät für Angewandte Sozialwissenschaften", "50678 Köln", 2),
    ("Deutscher Verein für öffentliche und private Fürsorge e.V.", "10179 Berlin", 2),
    ("Caritasverband für die Diözese Münster e.V.", "48147 Münster", 2),
    ("Diakonisches Werk Württemberg e.V.", "70184 Stuttgart", 2),
    ("AWO Bezirksverband Weser-Ems e.V.", "26121 Oldenburg", 2),
    ("Paritätischer Wohlfahrtsverband Sachsen e.V.", "01069 Dresden", 2),
    ("Bayerischer Landkreistag", "80539 München", 1),
    ("Landkreistag Nordrhein-Westfalen", "40474 Düsseldorf", 1),
)

MALE_FIRST_NAMES = (
    "Jürgen",
    "Jörg",
    "Sören",
    "Björn",
    "Günther",
    "Hans-Jürgen",
    "Matthias",
    "Stefan",
    "Thomas",
    "Andreas",
    "Michael",
    "Tobias",
    "Florian",
    "Lukas",
    "Jonas",
    "Maximilian",
    "Dirk",
    "Uwe",
    "Ingo",
    "Ralf",
    "Sven",
    "Tim",
    "Kai",
    "Jan",
)
FEMALE_FIRST_NAMES = (
    "Jülide",
    "Käthe",
    "Bärbel",
    "Anna-Lena",
    "Sabine",
    "Claudia",
    "Katrin",
    "Susanne",
    "Julia",
    "Franziska",
    "Friederike",
    "Tabea",
    "Anke",
    "Gabriele",
    "Ute",
    "Doris",
    "Annegret",
    "Lea",
    "Hannah",
    "Miriam",
    "Özlem",
    "Zeynep",
    "Małgorzata",
    "Céline",
)
LAST_NAMES = (
    "Müller",
    "Schäfer",
    "Schröder",
    "Köhler",
    "Krüger",
    "Böhm",
    "Günther",
    "Jäger",
    "Möller",
    "Hoffmann",
    "Schulz",
    "Wagner",
    "Becker",
    "Weiß",
    "Groß",
    "Fuß",
    "Strauß",
    "Bäcker",
    "Löffler",
    "Römer",
    "Gärtner",
    "Vöhringer",
    "Übelhör",
    "Öztürk",
    "Yılmaz",
    "Nowak",
    "Kowalski",
    "Schmitz",
    "Hübner",
    "Lüdtke",
    "Dörfler",
    "Kühn",
    "Sänger",
    "Förster",
    "Brändle",
    "Wölfle",
    "Heintze",
    "Haubold",
    "Esche",
    "Niederschulte",
    "Reichhardt",
    "Jeksties",
    "Kersting",
    "Bradna",
)
TITLES = ("", "", "", "", "", "", "Dr.", "Prof. Dr.")
POSITIONS = (
    "Sozialplanerin",
    "Sozialplaner",
    "Leitung Sozialplanung",
    "Jugendhilfeplanung",
    "Referentin für Sozialberichterstattung",
    "Referent für Sozialberichterstattung",
    "Fachdienstleitung",
    "Wissenschaftliche Mitarbeiterin",
    "Wissenschaftlicher Mitarbeiter",
    "Quartiersmanagement",
    "Altenhilfeplanung",
    "Integrationsbeauftragte",
)


@dataclass(frozen=True)
class DemoParticipant:
    number: int
    salutation: str
    academic_title: str
    first_name: str
    last_name: str
    organisation: str
    city_line: str
    position: str
    is_member: bool

    @property
    def email(self):
        local = f"{_ascii(self.first_name)}.{_ascii(self.last_name)}.{self.number:03d}"
        return f"{local}@{DEMO_EMAIL_DOMAIN}"


def _ascii(text):
    replaced = text.lower().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": ""}))
    plain = unicodedata.normalize("NFKD", replaced).encode("ascii", "ignore").decode()
    return "".join(char for char in plain if char.isalnum() or char == "-")


def demo_participants(count, *, seed=2025):
    """`count` invented participants, always the same ones for the same count and seed.

    Organisations take turns by their usual size, so with 120 people every one of the
    42 organisations sends between one and about six people.
    """
    rng = random.Random(seed)
    weights = [size for _, _, size in ORGANISATIONS]
    slots = [index for index, weight in enumerate(weights) for _ in range(weight)]
    people = []
    for number in range(1, count + 1):
        # Go through the organisations' usual sizes once, then draw by weight.
        index = slots[number - 1] if number <= len(slots) else rng.choices(range(len(weights)), weights)[0]
        organisation, city_line, _ = ORGANISATIONS[index]
        female = rng.random() < 0.55
        first_name = rng.choice(FEMALE_FIRST_NAMES if female else MALE_FIRST_NAMES)
        people.append(
            DemoParticipant(
                number=number,
                salutation=Registration.Salutation.FRAU if female else Registration.Salutation.HERR,
                academic_title=rng.choice(TITLES),
                first_name=first_name,
                last_name=rng.choice(LAST_NAMES),
                organisation=organisation,
                city_line=city_line,
                position=rng.choice(POSITIONS),
                is_member=rng.random() < 0.6,
            )
        )
    return people


def fill_demo_participants(count=120, *, with_workshops=True, now=None):
    """Give the demo conference up to `count` binding participants; return (created, skipped_full).

    Only free places are filled: people who would not find a place are skipped.
    """
    now = now or timezone.now()
    with transaction.atomic():
        conference = Conference.objects.filter(slug=DEMO_SLUG).first()
        if conference is None:
            raise LookupError(DEMO_SLUG)
        conference = lock_conference(conference.pk)
        existing = set(
            Registration.objects.filter(conference=conference, email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
            .active()
            .values_list("email", flat=True)
        )
        wanted = [person for person in demo_participants(count) if person.email not in existing]
        held = Registration.objects.filter(conference=conference).holding_places().count()
        free = max(conference.places - held, 0)
        registrations = [_registration(conference, person, now) for person in wanted[:free]]
        bulk_create_with_history(registrations, Registration)
        created = Registration.objects.filter(
            conference=conference, email__in=[registration.email for registration in registrations]
        ).order_by("email")
        if with_workshops:
            _choose_demo_workshops(conference, created)
    return len(registrations), len(wanted) - len(registrations)


def _choose_demo_workshops(conference, registrations):
    """Each new participant picks a workshop per choice phase through the workshops service.

    Wishes are drawn with a fixed seed, weighted so that some workshops fill up and
    people land on their waiting lists (with a second choice), as at a real conference.
    """
    from .workshops import choose_workshops

    phases = [
        (phase, list(phase.workshops.order_by("order", "pk")))
        for phase in conference.workshop_phases.filter(mode="choose").order_by("number")
    ]
    phases = [(phase, workshops) for phase, workshops in phases if workshops]
    if not phases:
        return
    rng = random.Random(f"{conference.pk}-workshops")
    for registration in registrations:
        seated = dict(
            WorkshopBooking.objects.filter(phase__conference=conference, status=WorkshopBooking.Status.SEATED)
            .values("workshop_id")
            .annotate(count=Count("pk"))
            .values_list("workshop_id", "count")
        )
        choices, second_choices = {}, {}
        for phase, workshops in phases:
            weights = [len(workshops) - index + 1 for index in range(len(workshops))]
            first = rng.choices(workshops, weights)[0]
            choices[phase.pk] = first.pk
            # Like a person looking at the fill: the second choice is one with a free seat.
            free = [
                workshop
                for workshop in workshops
                if workshop != first
                and (workshop.seat_limit is None or seated.get(workshop.pk, 0) < workshop.seat_limit)
            ]
            if free:
                second_choices[phase.pk] = rng.choice(free).pk
        choose_workshops(
            registration=registration,
            choices=choices,
            second_choices=second_choices,
            join_waiting_list=True,
            check_deadline=False,
        )


def _registration(conference, person, now):
    street_number = person.number % 97 + 1
    fee_category = (
        Registration.FeeCategory.MEMBER if person.is_member else Registration.FeeCategory.NON_MEMBER
    )
    postcode, city = person.city_line.split(" ", 1)
    return Registration(
        conference=conference,
        stage=Registration.Stage.BINDING,
        status=Registration.Status.HOLDS_PLACE,
        source=Registration.Source.OFFICE,
        salutation=person.salutation,
        academic_title=person.academic_title,
        first_name=person.first_name,
        last_name=person.last_name,
        email=person.email,
        organisation=person.organisation,
        position=person.position,
        is_member=person.is_member,
        member_number=f"D-{person.number:04d}" if person.is_member else "",
        registered_at=now,
        fee_category=fee_category,
        fee=conference.member_fee if person.is_member else conference.non_member_fee,
        membership_check=(
            Registration.MembershipCheck.VERIFIED
            if person.is_member
            else Registration.MembershipCheck.NOT_CLAIMED
        ),
        billing_recipient=Registration.BillingRecipient.EMPLOYER,
        billing_organisation=person.organisation.split(",")[0],
        billing_street=f"Rathausplatz {street_number}",
        billing_postcode=postcode,
        billing_city=city,
        list_consent=person.number % 5 != 0,
    )
