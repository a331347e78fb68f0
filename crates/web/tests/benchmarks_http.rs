//! Discretion benchmarks over HTTP (B-01): the listing every account of the agency reads,
//! the form, the import, and the API.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use support::{Browser, TestApp};

/// A multipart import of `file` as kind `kind`, as the import form sends it.
async fn import(t: &TestApp, b: &Browser, agency: uuid::Uuid, kind: &str, name: &str, file: &str) -> support::Resp {
    let boundary = "----zhifa-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n\
         --{boundary}--\r\n"
    );
    let req = Request::post(format!("/agencies/{agency}/import?_csrf={}", b.csrf))
        .header(header::COOKIE, &b.cookie)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    t.send(req).await
}

// rule: B-01
#[tokio::test]
async fn every_account_of_the_agency_reads_its_benchmarks_in_yuan_with_two_decimals() {
    let t = TestApp::with_demo().await;
    let own = t.agency_id("安乡县市场监督管理局").await;
    for user in ["scj-fj", "scj-zf", "scj-fzsh", "scj-head"] {
        let b = t.login(user).await;
        let r = t.get(Some(&b), &format!("/agencies/{own}/benchmarks")).await;
        assert_eq!(r.status, StatusCode::OK, "{user}");
        for text in [
            "销售超过保质期的食品",
            "《中华人民共和国食品安全法》第三十四条第（十）项",
            "50,000.00元至70,000.00元",
            "货值金额10倍至20倍",
            "10,000.00元以下",
            "不予行政处罚",
        ] {
            assert!(r.body.contains(text), "{user}: {text}");
        }
        assert!(!r.body.contains("添加裁量基准"), "{user} does not administer the agency");
    }
    let other = t.login("ltj-zf").await;
    assert_eq!(t.get(Some(&other), &format!("/agencies/{own}/benchmarks")).await.status, StatusCode::FORBIDDEN);
    // The agency page links to them.
    let admin = t.login("scj-admin").await;
    assert!(
        t.get(Some(&admin), &format!("/agencies/{own}")).await.body.contains(&format!("/agencies/{own}/benchmarks"))
    );

    // The API gives money as integer fen.
    let r = t.get(Some(&admin), &format!("/api/v1/agencies/{own}/benchmarks")).await;
    assert_eq!(r.status, StatusCode::OK);
    let list: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let food = list.as_array().unwrap().iter().find(|b| b["code"] == "AX-SC-CF-001").unwrap();
    assert_eq!(
        food["tiers"][1]["fine"],
        serde_json::json!({"kind": "amount", "min_fen": 5_000_000, "max_fen": 7_000_000})
    );
    assert_eq!(food["tiers"][3]["fine"]["kind"], "multiple");
    assert_eq!(food["tiers"][3]["fine"]["min_percent"], 1000);
    assert_eq!(t.get(Some(&other), &format!("/api/v1/agencies/{own}/benchmarks")).await.status, StatusCode::FORBIDDEN);
}

// rule: B-01
#[tokio::test]
async fn the_administrator_adds_a_benchmark_by_form_or_import() {
    let t = TestApp::with_demo().await;
    let own = t.agency_id("安乡县市场监督管理局").await;
    let officer = t.login("scj-zf").await;
    assert_eq!(t.get(Some(&officer), &format!("/agencies/{own}/benchmarks/new")).await.status, StatusCode::FORBIDDEN);
    let b = t.login("scj-admin").await;
    let form = t.get(Some(&b), &format!("/agencies/{own}/benchmarks/new")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("value=\"较重\""), "default tier names");

    // The second tier (the form's third) has a lower bound above its upper one, and the
    // penalty basis is not in the catalogue: both are shown next to their inputs.
    let mut fields = vec![
        ("code", "AX-SC-BZ-001"),
        ("name", "生产经营无标签的预包装食品"),
        ("violation_basis", "《中华人民共和国食品安全法》第三十四条"),
        ("penalty_basis", "《中华人民共和国食品安全法》第一百二十五条第一款第（二）项"),
        ("tiers.0.name", "一般"),
        ("tiers.0.circumstances", "货值金额不足一万元的"),
        ("tiers.0.penalties", "fine"),
        ("tiers.0.penalties", "confiscate_illegal_gains"),
        ("tiers.0.fine.min", "5000"),
        ("tiers.0.fine.max", "5万元"),
        ("tiers.2.name", "严重"),
        ("tiers.2.circumstances", "货值金额一万元以上的"),
        ("tiers.2.penalties", "fine"),
        ("tiers.2.fine.min", "货值金额10倍"),
        ("tiers.2.fine.max", "货值金额5倍"),
    ];
    let r = t.post_form(&b, &format!("/agencies/{own}/benchmarks"), &fields, true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("不在本机关法律依据目录中"), "{}", r.body);
    assert!(r.body.contains("id=\"err-tiers.2.fine.min\""), "the message sits at the form's third tier");
    assert!(r.body.contains("罚款下限（10倍）不能高于上限（5倍）"));
    fields[3].1 = "《中华人民共和国食品安全法》第一百二十四条";
    fields[14].1 = "货值金额20倍";
    let r = t.post_form(&b, &format!("/agencies/{own}/benchmarks"), &fields, true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(Some(&b), &format!("/agencies/{own}/benchmarks")).await.body;
    assert!(page.contains("生产经营无标签的预包装食品") && page.contains("5,000.00元至50,000.00元"));
    assert!(page.contains("添加裁量基准") && page.contains("从Excel导入裁量基准"));

    // The import: a bad row stores nothing and is reported by row and column.
    let header = "违法行为编码,违法行为名称,违法依据,处罚依据,裁量阶次,适用情形,处罚种类,罚款下限,罚款上限";
    let row = |tier: &str, min: &str, max: &str| {
        format!(
            "AX-SC-BZ-002,销售无标签的预包装食品,《中华人民共和国食品安全法》第三十四条,《中华人民共和国食品安全法》第一百二十四条,{tier},情形,罚款,{min},{max}"
        )
    };
    let bad = format!("{header}\n{}\n{}\n", row("一般", "5000", "1万"), row("较重", "2万", "一万五"));
    let r = import(&t, &b, own, "benchmarks", "基准.csv", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("第3行“罚款上限”"), "{}", r.body);
    assert!(!t.get(Some(&b), &format!("/agencies/{own}/benchmarks")).await.body.contains("销售无标签的预包装食品"));
    let good = format!("{header}\n{}\n{}\n", row("一般", "5000", "1万"), row("较重", "1万", "5万"));
    let r = import(&t, &b, own, "benchmarks", "基准.csv", &good).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("已导入2行"), "{}", r.body);
    let page = t.get(Some(&b), &format!("/agencies/{own}/benchmarks")).await.body;
    assert!(page.contains("销售无标签的预包装食品") && page.contains("10,000.00元至50,000.00元"));
}
