"""Valid, unique identifiers for demo people."""

import datetime

from faker.providers.person.zh_CN import Provider as _ChineseNames
from stdnum.cn import ric

from minxin.demo.names import MOBILE_PREFIXES
from minxin.regions import data

FORMER_CODES = {code[:6]: former for code, _name, former in data.COUNTIES}
NEIGHBOURS = ["520602", "520624", "520626", "520102"]  # a few other Guizhou counties


class IdentityMaker:
    """Makes ID numbers that pass the GB 11643 checksum, with real area codes, never twice: mostly
    the county's current code or its former one (before 2011), now and then a neighbour's. Makers
    that share `seen` never repeat each other's numbers."""

    def __init__(self, rng, county: str = data.COUNTY[0], seen: set[str] | None = None):
        self.rng = rng
        self.seen: set[str] = set() if seen is None else seen
        self.county, self.former = county[:6], FORMER_CODES[county[:6]]
        self.areas = [self.county] * 6 + [self.former] * 3 + NEIGHBOURS

    def id_number(self, *, birth: datetime.date, sex: str, area: str | None = None) -> str:
        area = area or self.rng.choice(self.areas)
        if birth.year < 2011 and area == self.county and self.rng.random() < 0.5:
            area = self.former  # older residents kept the number first issued under the old code
        while True:
            seq = self.rng.randrange(0, 1000)
            if (seq % 2 == 1) != (sex == "M"):
                seq = (seq + 1) % 1000
            body = f"{area}{birth:%Y%m%d}{seq:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self.seen:
                self.seen.add(number)
                return number

    def birth_date(self, *, min_age: int, max_age: int, today: datetime.date) -> datetime.date:
        year = today.year - self.rng.randint(min_age, max_age)
        day_of_year = self.rng.randint(0, 364)
        return datetime.date(year, 1, 1) + datetime.timedelta(days=day_of_year)

    def name(self, faker, sex: str) -> str:
        """A surname (weighted as Faker weights them) and a given name that fits the sex."""
        given = _ChineseNames.first_names_male if sex == "M" else _ChineseNames.first_names_female
        first = self.rng.choice(given)
        if self.rng.random() < 0.35:  # many given names have two characters
            first += self.rng.choice(given)[-1]
        return faker.last_name() + first

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(0, 10**8):08d}"
