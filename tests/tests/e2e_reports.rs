//! Report commands whose output is built on the client: `limits` (a list of lists and an
//! object pivoted into rows), `availability-zone-list` (a tree), `usage-list` (dates computed
//! from now, counts and fixed decimals). Whole outputs, as python-novaclient prints them
//! against real nova 34.

use novagen_tests::Cloud;

/// Boot one m1.tiny server and wait for it.
fn boot(cloud: &Cloud) {
    cloud
        .nova(&[
            "boot",
            "vm",
            "--flavor",
            "m1.tiny",
            "--image",
            "cirros-0.6.2-x86_64-disk",
            "--poll",
        ])
        .ok();
}

#[test]
fn limits_prints_rate_and_pivoted_absolute_tables() {
    let cloud = Cloud::start();
    boot(&cloud);
    assert_eq!(
        cloud.nova(&["limits"]).ok(),
        "\
+------+-----+-------+--------+------+----------------+
| Verb | URI | Value | Remain | Unit | Next_Available |
+------+-----+-------+--------+------+----------------+
+------+-----+-------+--------+------+----------------+
+--------------------+------+-------+
| Name               | Used | Max   |
+--------------------+------+-------+
| Cores              | 1    | 20    |
| Instances          | 1    | 10    |
| Keypairs           | -    | 100   |
| RAM                | 512  | 51200 |
| Server Meta        | -    | 128   |
| ServerGroupMembers | -    | 10    |
| ServerGroups       | 0    | 10    |
+--------------------+------+-------+
"
    );
    // Before 2.36 nova also reports the proxied network limits; `--reserved` and `--tenant`
    // become query parameters.
    let old = cloud.nova(&[
        "--os-compute-api-version",
        "2.1",
        "--debug",
        "limits",
        "--reserved",
        "--tenant",
        "x",
    ]);
    assert!(
        old.stderr.contains("/limits?reserved=1&tenant_id=x "),
        "{}",
        old.stderr
    );
    let out = old.ok();
    assert!(
        out.contains("| FloatingIps        | 0    | -1    |\n"),
        "{out}"
    );
    assert!(
        out.contains("| SecurityGroupRules | -    | -1    |\n"),
        "{out}"
    );
}

#[test]
fn availability_zones_as_a_tree() {
    let cloud = Cloud::start();
    let out = cloud.nova(&["availability-zone-list"]).ok().to_string();
    // Service heartbeats are times of day; the rest is fixed.
    let stamp = |line: &str| match line.find(":-) 20") {
        Some(i) => format!("{}<updated_at>               |", &line[..i + 4]),
        None => line.to_string(),
    };
    let normal: Vec<String> = out.lines().map(stamp).collect();
    assert_eq!(
        normal.join("\n"),
        "\
+---------------------+----------------------------------------+
| Name                | Status                                 |
+---------------------+----------------------------------------+
| internal            | available                              |
| |- conductor        |                                        |
| | |- nova-conductor | enabled :-) <updated_at>               |
| |- scheduler        |                                        |
| | |- nova-scheduler | enabled :-) <updated_at>               |
| nova                | available                              |
| |- compute          |                                        |
| | |- nova-compute   | enabled :-) <updated_at>               |
| |- compute2         |                                        |
| | |- nova-compute   | enabled :-) <updated_at>               |
+---------------------+----------------------------------------+"
    );
}

#[test]
fn usage_list_over_dates() {
    let cloud = Cloud::start();
    boot(&cloud);
    let run = cloud.nova(&[
        "--debug",
        "usage-list",
        "--start",
        "2020-01-01",
        "--end",
        "2099-12-31",
    ]);
    assert!(
        run.stderr.contains(
            "/os-simple-tenant-usage?start=2020-01-01T00%3A00%3A00&end=2099-12-31T00%3A00%3A00&detailed=1 "
        ),
        "{}",
        run.stderr
    );
    let out = run.ok();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "Usage from 2020-01-01 to 2099-12-31:");
    assert_eq!(
        lines[2],
        "| Tenant ID                        | Servers | RAM MiB-Hours | CPU Hours | Disk GiB-Hours |"
    );
    assert_eq!(lines.len(), 6, "{out}");
    let cells: Vec<&str> = lines[4].split('|').map(str::trim).collect();
    assert_eq!(cells[1], "6f70656e737461636b20342065766572");
    assert_eq!(cells[2], "1");
    for hours in &cells[3..6] {
        let (whole, decimals) = hours.split_once('.').expect("a decimal point");
        assert!(
            whole.parse::<u64>().is_ok() && decimals.len() == 2,
            "{hours}"
        );
    }

    // By default: from four weeks ago to tomorrow, as novaclient computes them.
    let out = cloud.nova(&["usage-list"]).ok().to_string();
    let first = out.lines().next().unwrap_or_default();
    let today = std::process::Command::new("date")
        .args(["-u", "+%s"])
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse::<i64>().ok())
        .expect("date");
    let day = |offset: i64| {
        let out = std::process::Command::new("date")
            .args([
                "-u",
                "-d",
                &format!("@{}", today + offset * 86_400),
                "+%Y-%m-%d",
            ])
            .output()
            .expect("date");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert_eq!(first, format!("Usage from {} to {}:", day(-28), day(1)));

    // Dates as Python's strptime reads them, with its errors.
    let bad = cloud.nova(&["usage-list", "--start", "last week"]);
    assert_eq!(bad.code, 1);
    assert_eq!(
        bad.stderr,
        "ERROR (ValueError): time data 'last week' does not match format '%Y-%m-%d'\n"
    );
    let bad = cloud.nova(&["usage-list", "--end", "2020-01-01T00:00:00"]);
    assert_eq!(
        bad.stderr,
        "ERROR (ValueError): unconverted data remains: T00:00:00\n"
    );
}
