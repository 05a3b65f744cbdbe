"""Values typed by hand into a measure fed by the workforce returns are deleted.

A fed measure takes every value from the returns (`workforce.services`); a typed value
beside them was shown in its chart and could decide its status as if the returns had
given it. Deleting is chosen over setting aside: setting aside needs a new field that
every read would have to remember to filter on, and a value missed once is shown
again. Nothing is lost: each deletion is written to the change history (the data
point's history, type "-", with the reason below), where its value, date, note and who
entered it stay, and the number deleted is logged.
"""

import logging

from django.db import migrations
from django.utils import timezone

REASON = "Typed into a measure fed by the workforce returns"

logger = logging.getLogger(__name__)


def remove_hand_entered_values(apps, schema_editor):
    DataPoint = apps.get_model("metrics", "DataPoint")
    HistoricalDataPoint = apps.get_model("metrics", "HistoricalDataPoint")
    typed = list(
        DataPoint.objects.exclude(measure__indicator="").exclude(source="workforce").order_by("pk")
    )
    if not typed:
        return
    now = timezone.now()
    HistoricalDataPoint.objects.bulk_create(
        HistoricalDataPoint(
            id=point.pk,
            measure_id=point.measure_id,
            period_end=point.period_end,
            value=point.value,
            text=point.text,
            note=point.note,
            source=point.source,
            entered_by_id=point.entered_by_id,
            entered_at=point.entered_at,
            history_date=now,
            history_type="-",
            history_change_reason=REASON,
        )
        for point in typed
    )
    DataPoint.objects.filter(pk__in=[point.pk for point in typed]).delete()
    logger.warning(
        "Deleted %d value(s) typed into measures fed by the workforce returns "
        "(kept in the change history): %s",
        len(typed),
        ", ".join(f"measure {p.measure_id} at {p.period_end}" for p in typed[:20]),
    )


class Migration(migrations.Migration):
    dependencies = [("metrics", "0001_initial")]

    operations = [
        migrations.RunPython(remove_hand_entered_values, migrations.RunPython.noop, elidable=True)
    ]
