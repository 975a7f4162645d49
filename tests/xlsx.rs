//! `--format xlsx` (issue 16, spreadsheets): the workbook `run` writes, opened with a reader
//! crate, holds the JSON's numbers (every KPI's mean and CI, per scope, day and interval) under
//! headers with units, the header row frozen; the workbooks of `compare`, `staff`, `schedule`,
//! `sweep` and `optimize` hold their CSV cell for cell; without `-o` it fails before simulating
//! and writes nothing.

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx, open_workbook};
use ccsim::kpi::{GroupKpis, Kind, QueueKpis, ServedKpis, Table};
use serde_json::Value;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

fn ccsim() -> Command {
    let mut cmd = Command::cargo_bin("ccsim").expect("the ccsim binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd.timeout(Duration::from_secs(120));
    cmd
}

fn stdout_of(args: &[&str]) -> String {
    let out = ccsim().args(args).output().unwrap();
    assert!(out.status.success(), "ccsim {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A sheet's name and rows of cells.
type Sheet = (String, Vec<Vec<Data>>);

/// Runs `ccsim args --format xlsx -o FILE` and returns the workbook's sheets by name, rows of
/// cells, with the file's path.
fn workbook(args: &[&str], dir: &Path) -> (Vec<Sheet>, std::path::PathBuf) {
    let path = dir.join(format!("{}.xlsx", args[0]));
    let out = ccsim().args(args).args(["--format", "xlsx", "-o"]).arg(&path).output().unwrap();
    assert!(out.status.success(), "ccsim {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty(), "the workbook goes to its file only");
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let sheets = wb
        .sheet_names()
        .into_iter()
        .map(|n| {
            let range = wb.worksheet_range(&n).unwrap_or_else(|e| panic!("sheet {n}: {e}"));
            assert_eq!(range.start(), Some((0, 0)), "sheet {n} starts at A1");
            (n, range.rows().map(<[Data]>::to_vec).collect())
        })
        .collect();
    (sheets, path)
}

fn sheet<'a>(sheets: &'a [Sheet], name: &str) -> &'a [Vec<Data>] {
    &sheets.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no sheet {name}")).1
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("expected text, found {other:?}"),
    }
}

/// A JSON number (or `null`, undefined) equals a cell (or an empty one) to 1e-12 relative.
fn same(cell: &Data, json: &Value, what: &str) {
    match (cell, json.as_f64()) {
        (Data::Empty, None) => {}
        (Data::Float(x), Some(y)) => assert!((x - y).abs() <= 1e-12 * y.abs().max(1e-300), "{what}: {x} ≠ {y}"),
        (Data::Int(x), Some(y)) => assert_eq!(*x as f64, y, "{what}"),
        (c, _) => panic!("{what}: cell {c:?}, JSON {json}"),
    }
}

/// Checks a wide row's KPI columns, from `first`, against a JSON object of table `S`: header
/// `<kpi> (unit)`, `<kpi> ci_low`, `<kpi> ci_high`; returns the number of values compared.
fn check_kpis<S: Table>(header: &[Data], row: &[Data], first: usize, o: &Value, what: &str) -> usize {
    for (i, d) in S::DEFS.iter().enumerate() {
        let c = first + 3 * i;
        assert_eq!(text(&header[c]), format!("{} ({})", d.name, d.unit), "{what}");
        assert_eq!(text(&header[c + 1]), format!("{} ci_low", d.name), "{what}");
        assert_eq!(text(&header[c + 2]), format!("{} ci_high", d.name), "{what}");
        let (mean, lo, hi) = match d.kind {
            Kind::DayShare => {
                let ci = &o[format!("{}_ci", d.name)];
                (&o[d.name], &ci[0], &ci[1])
            }
            Kind::Mean => (&o[d.name]["mean"], &o[d.name]["ci_low"], &o[d.name]["ci_high"]),
        };
        let w = format!("{what}.{}", d.name);
        same(&row[c], mean, &w);
        same(&row[c + 1], lo, &format!("{w}.ci_low"));
        same(&row[c + 2], hi, &format!("{w}.ci_high"));
    }
    assert_eq!(header.len(), first + 3 * S::DEFS.len() + extra_columns(what), "{what}: columns");
    3 * S::DEFS.len()
}

/// Columns after the KPIs: the summary's SL quantiles and targets.
fn extra_columns(what: &str) -> usize {
    if what.starts_with("summary") { 8 } else { 0 }
}

/// Whether every sheet of the file has its header row frozen (read from the sheets' XML).
fn headers_frozen(path: &Path, sheets: usize) -> bool {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (1..=sheets).all(|i| {
        let mut xml = String::new();
        zip.by_name(&format!("xl/worksheets/sheet{i}.xml")).unwrap().read_to_string(&mut xml).unwrap();
        xml.contains("ySplit=\"1\"") && xml.contains("state=\"frozen\"")
    })
}

#[test]
fn the_run_workbook_holds_the_json_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["run", "scenarios/support_week.yaml", "-n", "3", "--seed", "11", "-q"];
    let json: Value = serde_json::from_str(&stdout_of(&[&args[..], &["--format", "json"]].concat())).unwrap();
    let (sheets, path) = workbook(&args, dir.path());
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    for n in ["summary", "groups", "days", "day_queues", "day_groups", "intervals", "group_intervals", "served", "run"]
    {
        assert!(names.contains(&n), "sheet {n} in {names:?}");
    }
    assert!(headers_frozen(&path, sheets.len()), "every sheet's header row is frozen");
    let mut compared = 0;

    let s = sheet(&sheets, "summary");
    let queues = json["queues"].as_object().unwrap();
    assert_eq!(s.len(), 2 + queues.len(), "a header, the total, one row per queue");
    assert_eq!((text(&s[1][0]), text(&s[1][1])), ("total".into(), String::new()));
    compared += check_kpis::<QueueKpis>(&s[0], &s[1], 2, &json["total"], "summary total");
    for (row, (id, q)) in s[2..].iter().zip(queues) {
        assert_eq!(text(&row[1]), *id);
        compared += check_kpis::<QueueKpis>(&s[0], row, 2, q, &format!("summary {id}"));
        let k = 2 + 3 * QueueKpis::DEFS.len();
        same(&row[k + 1], &q["sl_quantiles"]["p50"], "sl_p50");
        same(&row[k + 3], &q["target"]["service_level"], "target");
    }

    let s = sheet(&sheets, "groups");
    let groups = json["groups"].as_object().unwrap();
    assert_eq!(s.len(), 1 + groups.len());
    for (row, (id, g)) in s[1..].iter().zip(groups) {
        assert_eq!(text(&row[0]), *id);
        compared += check_kpis::<GroupKpis>(&s[0], row, 1, g, &format!("group {id}"));
    }

    for (name, key) in [("sites", "sites"), ("regions", "regions")] {
        let s = sheet(&sheets, name);
        let places = json[key].as_object().unwrap_or_else(|| panic!("the week names {key}"));
        assert_eq!(s.len(), 1 + places.len(), "{name}");
        for (row, (id, o)) in s[1..].iter().zip(places) {
            assert_eq!(text(&row[0]), *id);
            let what = format!("{name} {id}");
            compared += if name == "sites" {
                check_kpis::<GroupKpis>(&s[0], row, 1, o, &what)
            } else {
                check_kpis::<QueueKpis>(&s[0], row, 1, o, &what)
            };
        }
    }

    let days = json["days"].as_array().unwrap();
    assert!(days.len() >= 7, "a week");
    let s = sheet(&sheets, "days");
    assert_eq!(s.len(), 1 + days.len());
    for (row, d) in s[1..].iter().zip(days) {
        same(&row[0], &d["day"], "day");
        assert_eq!(text(&row[1]), d["date"].as_str().unwrap_or_default());
        compared += check_kpis::<QueueKpis>(&s[0], row, 4, &d["total"], &format!("day {}", d["day"]));
    }
    let s = sheet(&sheets, "day_queues");
    assert_eq!(s.len(), 1 + days.len() * queues.len());
    let mut rows = s[1..].iter();
    for d in days {
        for (id, q) in d["queues"].as_object().unwrap() {
            let row = rows.next().unwrap();
            assert_eq!(text(&row[2]), *id);
            compared += check_kpis::<QueueKpis>(&s[0], row, 3, q, &format!("day {} queue {id}", d["day"]));
        }
    }
    let s = sheet(&sheets, "day_groups");
    assert_eq!(s.len(), 1 + days.len() * groups.len());
    let row = &s[s.len() - 1];
    let (id, g) = days.last().unwrap()["groups"].as_object().unwrap().iter().next_back().unwrap();
    assert_eq!(text(&row[2]), *id);
    compared += check_kpis::<GroupKpis>(&s[0], row, 3, g, "last day_group");

    for (name, key, rows_json) in
        [("intervals", "queue", &json["intervals"]), ("group_intervals", "group", &json["group_intervals"])]
    {
        let rows_json = rows_json.as_array().unwrap();
        let s = sheet(&sheets, name);
        assert_eq!(s.len(), 1 + rows_json.len(), "{name}: one row per interval");
        assert!(rows_json.len() > 100, "{name}");
        for (row, o) in s[1..].iter().zip(rows_json) {
            assert_eq!(text(&row[0]), o[key].as_str().unwrap());
            same(&row[1], &o["day"], "day");
            assert_eq!(text(&row[3]), o["start"].as_str().unwrap());
            let what = format!("{name} {} {}", o[key], o["start"]);
            compared += if key == "queue" {
                check_kpis::<QueueKpis>(&s[0], row, 4, o, &what)
            } else {
                check_kpis::<GroupKpis>(&s[0], row, 4, o, &what)
            };
        }
    }

    let s = sheet(&sheets, "served");
    let served = json["served"].as_array().unwrap();
    assert_eq!(s.len(), 1 + served.len());
    for (row, o) in s[1..].iter().zip(served) {
        assert_eq!(
            (text(&row[0]), text(&row[1])),
            (o["group"].as_str().unwrap().into(), o["queue"].as_str().unwrap().into())
        );
        compared += check_kpis::<ServedKpis>(&s[0], row, 2, o, "served");
    }

    let s = sheet(&sheets, "run");
    let field = |f: &str| s.iter().find(|r| text(&r[0]) == f).unwrap_or_else(|| panic!("run {f}"))[1].clone();
    assert_eq!(text(&field("seed")), "11");
    same(&field("replications"), &json["replications"], "replications");
    assert_eq!(text(&field("scenario")), json["scenario"].as_str().unwrap());
    assert!(compared > 10_000, "only {compared} values compared");
}

/// The command's CSV, rounded as CSV rounds: the workbook's numbers, written at full
/// precision, rounded the same way, give the CSV's text.
fn rounded(x: f64) -> String {
    let one = ccsim::report::csv::localize(format!("x\n{x}\n").as_bytes(), ccsim::report::csv::CsvLocale::C).unwrap();
    String::from_utf8(one).unwrap().lines().nth(1).unwrap().to_string()
}

#[test]
fn every_commands_workbook_holds_its_csv() {
    let dir = tempfile::tempdir().unwrap();
    let slice = dir.path().join("slice.yaml");
    std::fs::write(
        &slice,
        r#"
name: Erlang C slice
horizon: { start: "08:00", end: "10:00", interval: 30m }
queues:
  - id: support
    arrivals: { per_interval: [100, 150, 200, 120] }
    handle_time: { dist: exponential, mean: 180s }
    service_level: { answered_within: 20s, target: 0.80 }
agents:
  - group: team
    skills: [support]
    count: 12
simulation: { replications: 20, seed: 3 }
"#,
    )
    .unwrap();
    let slice = slice.to_str().unwrap();
    let cases: [(&[&str], &str, &str); 5] = [
        (
            &["compare", "scenarios/morning_peak.yaml", "-n", "3", "-q", "--whatif", "scripts/aht_up_10.rhai"],
            "compare",
            "mean",
        ),
        (&["staff", "scenarios/support_week.yaml"], "staffing", "service_level"),
        (&["schedule", "scenarios/day.schedule.yaml"], "schedule", "required"),
        (&["sweep", "scenarios/erlang_c_check.yaml", "--vary", "agents.team=12..14", "-n", "5", "-q"], "sweep", "cost"),
        (&["optimize", slice, "-n", "20", "-q"], "optimize", "ci_high"),
    ];
    for (args, name, unit_column) in cases {
        let csv = stdout_of(&[args, &["--format", "csv"]].concat());
        let (sheets, path) = workbook(args, dir.path());
        assert_eq!(sheets.len(), 1, "{name}: one table, one sheet");
        assert_eq!(sheets[0].0, name);
        assert!(headers_frozen(&path, 1), "{name}: header row frozen");
        let rows = &sheets[0].1;
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(csv.as_bytes());
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), records.len(), "{name}: rows");
        let header = &records[0];
        for (cell, h) in rows[0].iter().zip(header) {
            let t = text(cell);
            assert!(t == h || t.starts_with(&format!("{h} (")), "{name}: header {t:?} for {h:?}");
        }
        let with_unit = rows[0].iter().map(text).find(|t| t.starts_with(&format!("{unit_column} (")));
        assert!(with_unit.is_some() || name == "compare", "{name}: {unit_column} has its unit in the header");
        let mut numbers = 0;
        for (i, (row, rec)) in rows.iter().zip(&records).enumerate().skip(1) {
            assert_eq!(rec.len(), header.len());
            for (c, csv_cell) in rec.iter().enumerate() {
                let cell = row.get(c).unwrap_or(&Data::Empty);
                let what = format!("{name} row {i} column {}", &header[c]);
                match cell {
                    Data::Float(x) => {
                        assert_eq!(rounded(*x), csv_cell, "{what}");
                        numbers += 1;
                    }
                    Data::Int(x) => assert_eq!(x.to_string(), csv_cell, "{what}"),
                    Data::String(s) => {
                        assert_eq!(s, csv_cell, "{what}");
                        assert!(csv_cell.parse::<f64>().map_or(true, |x| !x.is_finite()), "{what}: a number as text");
                    }
                    Data::Empty => assert_eq!(csv_cell, "", "{what}"),
                    other => panic!("{what}: {other:?}"),
                }
            }
        }
        assert!(numbers >= 20, "{name}: only {numbers} numbers compared");
    }
}

#[test]
fn a_workbook_needs_an_output_file_and_fails_before_simulating() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for args in [
        &["run", "scenarios/morning_peak.yaml", "-n", "1000000"][..],
        &["staff", "scenarios/support_week.yaml"][..],
        &["sweep", "scenarios/erlang_c_check.yaml", "--vary", "agents.team=12..14", "-n", "1000000"][..],
    ] {
        // run from an empty folder, where a stray file would show
        let out = ccsim()
            .current_dir(dir.path())
            .arg(args[0])
            .arg(root.join(args[1]))
            .args(&args[2..])
            .args(["--format", "xlsx"])
            .timeout(Duration::from_secs(10))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--format xlsx") && err.contains("--output"), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing on standard output");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "{args:?}: no file written");
    }
}

/// `merge --format xlsx` writes the workbook of the single run: the same sheets, rows and
/// numbers (to 1e-12 relative: merged running means round differently); only the `run` sheet
/// says shards instead of threads.
#[test]
fn merged_shards_give_the_single_runs_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["run", "scenarios/multi_skill.yaml", "-n", "4", "--seed", "5", "-q"];
    let (single, _) = workbook(&args, dir.path());
    let parts: Vec<std::path::PathBuf> = (0..2)
        .map(|k| {
            let part = dir.path().join(format!("part-{k}.json"));
            let out = ccsim().args(args).args(["--shard", &format!("{k}/2"), "-o"]).arg(&part).output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            part
        })
        .collect();
    let merged_path = dir.path().join("merged.xlsx");
    let out = ccsim().arg("merge").args(&parts).args(["--format", "xlsx", "-o"]).arg(&merged_path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut wb: Xlsx<_> = open_workbook(&merged_path).unwrap();
    let names: Vec<String> = single.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(wb.sheet_names(), names);
    let mut numbers = 0;
    for (name, rows) in &single {
        let merged: Vec<Vec<Data>> = wb.worksheet_range(name).unwrap().rows().map(<[Data]>::to_vec).collect();
        assert_eq!(merged.len(), rows.len(), "{name}");
        for (a, b) in rows.iter().zip(&merged) {
            if name == "run" && matches!(text(&a[0]).as_str(), "threads" | "shards") {
                continue;
            }
            for (x, y) in a.iter().zip(b) {
                match (x, y) {
                    (Data::Float(x), Data::Float(y)) => {
                        assert!((x - y).abs() <= 1e-12 * x.abs().max(1e-300), "{name}: {x} ≠ {y}");
                        numbers += 1;
                    }
                    _ => assert_eq!(x, y, "{name}"),
                }
            }
        }
    }
    assert!(numbers > 1000, "only {numbers} numbers compared");
}

/// With a policy, the `policy` sheet lists its counters per replication, each in its unit.
#[test]
fn the_policy_sheet_holds_the_counters() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "run",
        "scenarios/multi_skill.yaml",
        "--policy",
        "scripts/policies/supervisor.rhai",
        "--tick",
        "5m",
        "-n",
        "3",
        "-q",
    ];
    let json: Value = serde_json::from_str(&stdout_of(&[&args[..], &["--format", "json"]].concat())).unwrap();
    let (sheets, _) = workbook(&args, dir.path());
    let s = sheet(&sheets, "policy");
    let counters = json["policy"].as_object().unwrap();
    assert_eq!(s.len(), 1 + counters.len());
    assert_eq!(s[0].iter().map(text).collect::<Vec<_>>(), ["counter", "unit", "mean", "ci_low", "ci_high"]);
    for (row, (name, e)) in s[1..].iter().zip(counters) {
        assert_eq!(text(&row[0]), *name);
        let unit = text(&row[1]);
        assert_eq!(unit, ccsim::report::xlsx::kpi_unit(name).unwrap(), "{name}");
        same(&row[2], &e["mean"], name);
        same(&row[3], &e["ci_low"], name);
        same(&row[4], &e["ci_high"], name);
    }
    assert!(counters["hook_calls"]["mean"].as_f64().unwrap() > 0.0, "the policy ran");
}
