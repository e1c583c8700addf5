"""Demo dispute screenings: the county's Spring Festival as a sensitive period, and a year of each
village's screenings — most cycles filed, most of them nil reports, a few missed. Own random stream."""

import datetime
import random

from django.conf import settings
from django.utils import timezone

from minxin.disputes.cycles import cycles_between
from minxin.disputes.models import Screening, SensitivePeriod

FOUND = ["两户因宅基地边界发生争执，已现场调解", "邻里因排水沟引发纠纷，已约双方协商", "土地承包经营权流转合同纠纷，已上报乡镇",
         "婚姻家庭纠纷一起，已联系妇联共同调解", "山林界址不清引发争议，已组织勘界"]


def generate(ctx) -> None:
    rng = random.Random(ctx.seed + 12)
    today = timezone.localdate()
    county = settings.MINXIN_COUNTY_CODE  # every demo village lies in it
    SensitivePeriod.objects.create(county_code=county, name="春节", start=datetime.date(today.year, 1, 25),
                                   end=datetime.date(today.year, 2, 8))
    cycles = [c for c in cycles_between(today - datetime.timedelta(days=365), today, county) if c.end < today]
    rows = []
    for village in ctx.villages:
        diligent = rng.random()
        for cycle in cycles:
            if rng.random() > 0.85 + 0.14 * diligent:
                continue  # missed: the township's list shows it
            day = cycle.start + datetime.timedelta(days=rng.randint(0, (cycle.end - cycle.start).days))
            found = 0 if rng.random() < 0.75 else rng.randint(1, 3)
            rows.append(Screening(village=village, screened_on=day, found=found,
                                  note="；".join(rng.sample(FOUND, min(found, len(FOUND)))) if found else ""))
    Screening.objects.bulk_create(rows, batch_size=5000)
    ctx.counts.update(screenings=len(rows))
