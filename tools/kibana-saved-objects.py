#!/usr/bin/env python3
"""Writes Glasswatch's Kibana 8.x saved objects (NDJSON) for the timeline indices.

Output: sinks/src/main/resources/io/glasswatch/sinks/kibana/glasswatch-kibana.ndjson, one object per
line: the data view, one Lens visualization per panel, then the dashboards. Formats follow the Kibana
saved objects API (www.elastic.co/guide/en/kibana/8.19/saved-objects-api-import.html): a dashboard's
panelsJSON is a string whose panels name their object through panelRefName and the dashboard's
references ("<panelIndex>:panel_<panelIndex>"); a Lens object keeps its state as an object and names
its data view through the reference "indexpattern-datasource-layer-<layerId>".

Run from the repository root after changing a panel: python3 tools/kibana-saved-objects.py
"""
import json
import os

DATA_VIEW = "glasswatch-timeline"
CORE = "8.8.0"
OUT = "sinks/src/main/resources/io/glasswatch/sinks/kibana/glasswatch-kibana.ndjson"


def date_histogram(field="@timestamp"):
    return {"label": field, "dataType": "date", "operationType": "date_histogram", "sourceField": field,
            "isBucketed": True, "scale": "interval",
            "params": {"interval": "auto", "includeEmptyRows": True, "dropPartials": False}}


def count(label="Count of records"):
    return {"label": label, "dataType": "number", "operationType": "count", "isBucketed": False,
            "scale": "ratio", "sourceField": "___records___", "params": {"emptyAsNull": True}}


def terms(field, order_by, size=10, label=None):
    return {"label": label or ("Top values of " + field), "dataType": "string", "operationType": "terms",
            "scale": "ordinal", "sourceField": field, "isBucketed": True,
            "params": {"size": size, "orderBy": {"type": "column", "columnId": order_by},
                       "orderDirection": "desc", "otherBucket": True, "missingBucket": False,
                       "parentFormat": {"id": "terms"}}}


def filters(label, items):
    return {"label": label, "dataType": "string", "operationType": "filters", "scale": "ordinal",
            "isBucketed": True,
            "params": {"filters": [{"input": {"query": q, "language": "kuery"}, "label": l} for l, q in items]}}


def metric(op, field, label, data_type="number", params=None):
    col = {"label": label, "dataType": data_type, "operationType": op, "sourceField": field,
           "isBucketed": False, "scale": "ratio", "params": params or {"emptyAsNull": True}}
    return col


def last_value(field, label):
    return {"label": label, "dataType": "string", "operationType": "last_value", "sourceField": field,
            "isBucketed": False, "scale": "ordinal", "params": {"sortField": "@timestamp", "showArrayValues": True}}


def lens(obj_id, title, description, vis_type, columns, visualization, query=""):
    layer = "layer1"
    order = list(columns.keys())
    return {
        "id": obj_id,
        "type": "lens",
        "coreMigrationVersion": CORE,
        "typeMigrationVersion": "8.9.0",
        "managed": False,
        "attributes": {
            "title": title,
            "description": description,
            "visualizationType": vis_type,
            "state": {
                "datasourceStates": {"formBased": {"layers": {layer: {
                    "columnOrder": order, "columns": columns, "incompleteColumns": {}}}}},
                "filters": [],
                "query": {"language": "kuery", "query": query},
                "visualization": visualization,
                "adHocDataViews": {},
                "internalReferences": [],
            },
        },
        "references": [{"type": "index-pattern", "id": DATA_VIEW, "name": "indexpattern-datasource-layer-" + layer}],
    }


def xy(series, x, accessors, split=None):
    layer = {"layerId": "layer1", "layerType": "data", "seriesType": series, "xAccessor": x, "accessors": accessors}
    if split:
        layer["splitAccessor"] = split
    return {"legend": {"isVisible": True, "position": "right"}, "valueLabels": "hide", "preferredSeriesType": series,
            "fittingFunction": "None", "axisTitlesVisibilitySettings": {"x": True, "yLeft": True, "yRight": True},
            "layers": [layer]}


def table(column_ids):
    return {"layerId": "layer1", "layerType": "data", "columns": [{"columnId": c} for c in column_ids]}


def dashboard(obj_id, title, description, panels):
    panel_json, refs = [], []
    x = y = 0
    for i, (vis_id, w, h) in enumerate(panels):
        p = "p%d" % (i + 1)
        if x + w > 48:
            x, y = 0, y + row_h
        if x == 0:
            row_h = h
        row_h = max(row_h, h)
        panel_json.append({"type": "lens", "panelIndex": p, "gridData": {"x": x, "y": y, "w": w, "h": h, "i": p},
                           "embeddableConfig": {"enhancements": {}}, "panelRefName": "panel_" + p})
        x += w
        refs.append({"name": p + ":panel_" + p, "type": "lens", "id": vis_id})
    return {
        "id": obj_id,
        "type": "dashboard",
        "coreMigrationVersion": CORE,
        "typeMigrationVersion": "8.9.0",
        "managed": False,
        "attributes": {
            "title": title,
            "description": description,
            "panelsJSON": json.dumps(panel_json, separators=(",", ":")),
            "optionsJSON": json.dumps({"useMargins": True, "syncColors": False, "syncCursor": True,
                                       "syncTooltips": False, "hidePanelTitles": False}, separators=(",", ":")),
            "timeRestore": True,
            "timeFrom": "now-30d",
            "timeTo": "now",
            "refreshInterval": {"pause": False, "value": 60000},
            "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps(
                {"query": {"query": "", "language": "kuery"}, "filter": []}, separators=(",", ":"))},
            "version": 1,
        },
        "references": refs,
    }


ROOT = 'glasswatch.details.rootActivity : "true"'
ROTATION = ('glasswatch.details.rootCredentialChange : "true" or (event.provider : "gateway" and '
            'event.action : "rotation")')

objects = [{
    "id": DATA_VIEW,
    "type": "index-pattern",
    "coreMigrationVersion": CORE,
    "typeMigrationVersion": "8.0.0",
    "managed": False,
    "attributes": {"title": "glasswatch-timeline-*", "name": "Glasswatch timeline", "timeFieldName": "@timestamp",
                   "allowNoIndex": True, "fields": "[]", "fieldFormatMap": json.dumps(
                       {"event.duration": {"id": "duration", "params": {"inputFormat": "nanoseconds",
                                                                        "outputFormat": "asSeconds"}}}),
                   "runtimeFieldMap": "{}", "sourceFilters": json.dumps([{"value": "glasswatch.details_json"}])},
    "references": [],
}]

vis = [
    lens("glasswatch-activity-over-time", "Break-glass activity over time",
         "Timeline entries per interval by source (gateway, CloudTrail, GuardDuty, Glasswatch).", "lnsXY",
         {"c1": date_histogram(), "c2": terms("event.provider", "c3", 5), "c3": count()},
         xy("bar_stacked", "c1", ["c3"], "c2")),
    lens("glasswatch-requests", "Open and recently closed requests",
         "Each request's latest lifecycle state (lifecycle_closed means closed), first and last step.",
         "lnsDatatable",
         {"c1": terms("glasswatch.request_id", "c4", 100, "Request"),
          "c2": last_value("event.action", "Latest state"),
          "c3": metric("min", "@timestamp", "First step", "date", {}),
          "c4": metric("max", "@timestamp", "Last step", "date", {}),
          "c5": last_value("user.name", "Subject")},
         table(["c1", "c2", "c3", "c4", "c5"]),
         'glasswatch.kind : "state" and not event.action : lifecycle_late_*'),
    lens("glasswatch-lifecycle-over-time", "Request lifecycle transitions over time",
         "Lifecycle transitions per interval by state reached.", "lnsXY",
         {"c1": date_histogram(), "c2": terms("event.action", "c3", 10), "c3": count()},
         xy("bar_stacked", "c1", ["c3"], "c2"), 'glasswatch.kind : "state"'),
    lens("glasswatch-alerts-by-type-severity", "Alerts by type and severity",
         "Alerts per alert type, stacked by severity.", "lnsXY",
         {"c1": terms("glasswatch.alert_type", "c3", 25, "Alert type"),
          "c2": terms("glasswatch.severity", "c3", 4, "Severity"), "c3": count("Alerts")},
         xy("bar_horizontal_stacked", "c1", ["c3"], "c2"), 'glasswatch.kind : "alert"'),
    lens("glasswatch-alerts-over-time", "Alerts over time by severity",
         "Alerts per interval, stacked by severity.", "lnsXY",
         {"c1": date_histogram(), "c2": terms("glasswatch.severity", "c3", 4, "Severity"), "c3": count("Alerts")},
         xy("bar_stacked", "c1", ["c3"], "c2"), 'glasswatch.kind : "alert"'),
    lens("glasswatch-time-to-revoke", "Time to revoke",
         "Detection to confirmed revoke (event.duration, nanoseconds, shown in seconds): median, 95th "
         "percentile and maximum per interval.", "lnsXY",
         {"c1": date_histogram(),
          "c2": metric("median", "event.duration", "Median time to revoke"),
          "c3": metric("percentile", "event.duration", "95th percentile time to revoke", params={"percentile": 95}),
          "c4": metric("max", "event.duration", "Maximum time to revoke")},
         xy("line", "c1", ["c2", "c3", "c4"]), 'event.action : "revoke_confirmed"'),
    lens("glasswatch-revoke-outcomes", "Revoke outcomes",
         "Revoke results by outcome (confirmed, failed, already absent, dry run).", "lnsXY",
         {"c1": terms("event.action", "c2", 10, "Outcome"), "c2": count("Revokes")},
         xy("bar", "c1", ["c2"]), 'glasswatch.kind : "enforcement" and not event.action : "revoke_requested"'),
    lens("glasswatch-root-activity-by-account", "Root activity by account: authorized vs not",
         "Root events per AWS account: covered by an approved break-glass request (correlated to it) or not.",
         "lnsXY",
         {"c1": terms("cloud.account.id", "c3", 20, "AWS account"),
          "c2": filters("Authorization", [("authorized", "glasswatch.request_id : *"),
                                          ("not authorized", "not glasswatch.request_id : *")]),
          "c3": count("Root events")},
         xy("bar_stacked", "c1", ["c3"], "c2"), ROOT),
    lens("glasswatch-rotation-compliance", "Rotation compliance by account",
         "Per AWS account: root credential rotations (rotation events, root password/MFA/key changes) against "
         "ROTATION_OVERDUE alerts.", "lnsXY",
         {"c1": terms("cloud.account.id", "c3", 20, "AWS account"),
          "c2": filters("Rotation", [("rotated", ROTATION),
                                     ("rotation overdue", 'glasswatch.alert_type : "ROTATION_OVERDUE"')]),
          "c3": count("Entries")},
         xy("bar", "c1", ["c3"], "c2"),
         ROTATION + ' or glasswatch.alert_type : "ROTATION_OVERDUE"'),
]
objects += vis
objects += [
    dashboard("glasswatch-break-glass-activity", "Glasswatch: break-glass activity",
              "Break-glass activity over time, and open and recently closed requests.",
              [("glasswatch-activity-over-time", 48, 15), ("glasswatch-requests", 24, 18),
               ("glasswatch-lifecycle-over-time", 24, 18)]),
    dashboard("glasswatch-alerts-enforcement", "Glasswatch: alerts and enforcement",
              "Alerts by type and severity, time-to-revoke and revoke outcomes.",
              [("glasswatch-alerts-by-type-severity", 24, 18), ("glasswatch-alerts-over-time", 24, 18),
               ("glasswatch-time-to-revoke", 24, 15), ("glasswatch-revoke-outcomes", 24, 15)]),
    dashboard("glasswatch-root-accounts", "Glasswatch: root accounts",
              "Root activity by account (authorized vs not) and root credential rotation compliance.",
              [("glasswatch-root-activity-by-account", 24, 18), ("glasswatch-rotation-compliance", 24, 18)]),
]

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    for o in objects:
        f.write(json.dumps(o, separators=(",", ":"), sort_keys=False) + "\n")
print("wrote %d saved objects to %s" % (len(objects), OUT))
