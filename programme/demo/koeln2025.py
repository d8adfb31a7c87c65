"""Kleine Jahrestagung 2025, Köln: only the announcement exists."""

import datetime as dt
from decimal import Decimal

from ..models import Conference
from .specs import BERLIN

SLUG = "kleine-jahrestagung-2025-koeln"

DESCRIPTION = """\
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

CONFERENCE = {
    "title": "Kleine Jahrestagung 2025",
    "motto": "Integrierte Sozialplanung zwischen Anspruch, Praxis und gesellschaftlicher Polarisierung",
    "description": DESCRIPTION,
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
