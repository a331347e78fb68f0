//! The router in-process against a real database: sessions, CSRF, access across agencies,
//! form errors and the API's structured errors.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use support::*;

// rule: X-05
#[tokio::test]
async fn every_role_is_refused_another_agencys_data() {
    let t = TestApp::with_demo().await;
    let other = t.agency_id("莱州市统计局").await;
    let other_officer = t.app.db.officers(other).await.unwrap()[0].id;
    for user in ["scj-admin", "scj-head", "scj-fzsh", "scj-zf", "scj-fj", "sfj-admin", "sfj-jd"] {
        let b = t.login(user).await;
        let supervisor = user == "sfj-jd";
        for path in [
            format!("/agencies/{other}"),
            format!("/officers/{other_officer}"),
            format!("/api/v1/agencies/{other}"),
            format!("/api/v1/agencies/{other}/officers"),
        ] {
            let r = t.get(Some(&b), &path).await;
            if supervisor {
                assert_eq!(r.status, StatusCode::OK, "{user} {path}");
            } else {
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{user} {path}");
                assert!(r.body.contains("无权访问"), "{user} {path}: {}", r.body);
            }
        }
        // Nobody but the agency's own administrator may write to it, supervisors included.
        let r = t
            .post_form(&b, &format!("/agencies/{other}/units"), &[("name", "越权机构"), ("kind", "handling")], true)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{user} wrote to another agency");
        // The agency list shows only what the account may see.
        let list = t.get(Some(&b), "/agencies").await.body;
        assert_eq!(list.contains("莱州市统计局"), supervisor, "{user}");
    }
    assert!(t.app.db.units(other).await.unwrap().iter().all(|u| u.name != "越权机构"));
}

// rule: X-05
#[tokio::test]
async fn personal_privacy_is_masked_for_roles_not_entitled() {
    let t = TestApp::with_demo().await;
    let own = t.agency_id("安乡县市场监督管理局").await;
    let officer = t.app.db.officers(own).await.unwrap().into_iter().find(|o| o.name == "李建国").unwrap();
    let aux = t.login("scj-fj").await;
    let page = t.get(Some(&aux), &format!("/officers/{}", officer.id)).await.body;
    assert!(!page.contains(&officer.citizen_id), "auxiliary sees a full citizen ID");
    assert!(page.contains(&format!("{}********", &officer.citizen_id[..6])));
    let json = t.get(Some(&aux), &format!("/api/v1/officers/{}", officer.id)).await.body;
    assert!(!json.contains(&officer.citizen_id));
    let zf = t.login("scj-zf").await;
    assert!(t.get(Some(&zf), &format!("/officers/{}", officer.id)).await.body.contains(&officer.citizen_id));
}

#[tokio::test]
async fn a_form_without_the_csrf_token_is_refused_and_changes_nothing() {
    let t = TestApp::with_demo().await;
    let own = t.agency_id("安乡县市场监督管理局").await;
    let b = t.login("scj-admin").await;
    let before = t.app.db.units(own).await.unwrap().len();
    let r =
        t.post_form(&b, &format!("/agencies/{own}/units"), &[("name", "稽查二队"), ("kind", "handling")], false).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("CSRF"));
    assert_eq!(t.app.db.units(own).await.unwrap().len(), before);
    let r =
        t.post_form(&b, &format!("/agencies/{own}/units"), &[("name", "稽查二队"), ("kind", "handling")], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(t.app.db.units(own).await.unwrap().len(), before + 1);
    // The login form needs its token too.
    let anon = Browser { cookie: "zhifa_csrf=abc".into(), csrf: "wrong".into() };
    assert_eq!(
        t.post_form(&anon, "/login", &[("username", "admin"), ("password", "x")], true).await.status,
        StatusCode::FORBIDDEN
    );
}

// rule: N-08
#[tokio::test]
async fn the_officer_form_shows_each_error_next_to_its_field_and_stores_nothing() {
    let t = TestApp::with_demo().await;
    let own = t.agency_id("安乡县市场监督管理局").await;
    let unit = t
        .app
        .db
        .units(own)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.kind == zhifa_core::registry::UnitKind::Handling)
        .unwrap();
    let b = t.login("scj-admin").await;
    let before = t.app.db.officers(own).await.unwrap().len();
    let unit_id = unit.id.to_string();
    let r = t
        .post_form(
            &b,
            &format!("/agencies/{own}/officers"),
            &[
                ("name", "吴新"),
                ("citizen_id", "430721198503120011"),
                ("kind", "officer"),
                ("unit_id", &unit_id),
                ("certificate.number", "43072120250999"),
                ("certificate.category", "市场监管"),
                ("certificate.scope", "安乡县"),
                ("certificate.issued_on", "2025-03-01"),
                ("certificate.expires_on", "2024-03-01"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"err-citizen_id\""), "{}", r.body);
    assert!(r.body.contains("身份证号码校验位错误"));
    assert!(r.body.contains("id=\"err-certificate.expires_on\""));
    assert!(r.body.contains("必须晚于发证日期"));
    assert!(r.body.contains("value=\"吴新\""), "typed values are kept");
    assert_eq!(t.app.db.officers(own).await.unwrap().len(), before);
    assert!(t.app.db.certificate("43072120250999").await.unwrap().is_none());
}

// rule: P-03
#[tokio::test]
async fn the_api_refuses_a_certificate_for_an_auxiliary_with_a_structured_error() {
    let t = TestApp::with_demo().await;
    let own = t.agency_id("安乡县市场监督管理局").await;
    let unit = t
        .app
        .db
        .units(own)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.kind == zhifa_core::registry::UnitKind::Handling)
        .unwrap();
    let login = t
        .send(
            Request::post("/api/v1/session")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"username":"scj-admin","password":"zhifa2026"}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK);
    let csrf =
        serde_json::from_str::<serde_json::Value>(&login.body).unwrap()["csrf_token"].as_str().unwrap().to_string();
    let cookie = format!("zhifa_session={}", set_cookie(&login, "zhifa_session").unwrap());
    let first17 = "43072119900101003";
    let id = format!("{first17}{}", zhifa_core::ids::CitizenId::check_digit(first17.as_bytes()));
    let body = serde_json::json!({
        "unit_id": unit.id, "name": "钱辅", "citizen_id": id, "kind": "auxiliary",
        "certificate": {"number": "AUX001", "category": "市场监管", "scope": "安乡县", "issued_on": "2025-01-01", "expires_on": "2027-01-01"}
    });
    let post = |with_csrf: bool| {
        let mut req = Request::post(format!("/api/v1/agencies/{own}/officers"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, &cookie);
        if with_csrf {
            req = req.header("x-csrf-token", &csrf);
        }
        req.body(Body::from(body.to_string())).unwrap()
    };
    assert_eq!(t.send(post(false)).await.status, StatusCode::FORBIDDEN, "no CSRF header");
    let r = t.send(post(true)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let err: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(err["code"], "invalid");
    assert_eq!(err["field"], "certificate.number");
    assert!(err["message"].as_str().unwrap().contains("执法辅助人员不得持有行政执法证"));
    assert!(t.app.db.certificate("AUX001").await.unwrap().is_none());
    // Without a session the API answers 401 in JSON.
    let anon = t.get(None, "/api/v1/agencies").await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
    assert!(anon.body.contains("请先登录"));
}

#[tokio::test]
async fn openapi_describes_every_api_route_and_health_answers() {
    let t = TestApp::with_demo().await;
    let doc: serde_json::Value = serde_json::from_str(&t.get(None, "/api/openapi.json").await.body).unwrap();
    let routes = include_str!("../src/router.rs");
    for line in routes.lines().filter(|l| l.contains(".route(\"/api/v1") || l.contains(".route(\"/healthz")) {
        let path = line.split('"').nth(1).unwrap();
        assert!(doc["paths"].get(path).is_some(), "{path} is not in the OpenAPI description");
    }
    let health = t.get(None, "/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    assert!(health.body.contains("\"ok\""));
    assert_eq!(t.get(None, "/no/such/page").await.status, StatusCode::NOT_FOUND);
}

// rule: P-06
#[tokio::test]
async fn the_agency_page_lists_officers_with_certificate_numbers_and_status() {
    let t = TestApp::with_demo().await;
    let own = t.agency_id("安乡县市场监督管理局").await;
    let b = t.login("scj-head").await;
    let page = t.get(Some(&b), &format!("/agencies/{own}")).await.body;
    for c in t.app.db.certificates_of_agency(own).await.unwrap() {
        assert!(page.contains(&c.number), "{} missing", c.number);
    }
    assert!(page.contains("已注销"), "the revoked certificate is marked");
    assert!(page.contains("执法辅助人员"));
}

#[tokio::test]
async fn an_agency_administrator_edits_its_own_agency_only() {
    let t = TestApp::with_demo().await;
    let own = t.agency_id("安乡县市场监督管理局").await;
    let b = t.login("scj-admin").await;
    let form = t.get(Some(&b), &format!("/agencies/{own}/edit")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("value=\"安市监\""), "pre-filled");
    let fields = [
        ("name", "安乡县市场监督管理局"),
        ("short_name", "安市监"),
        ("duties", "市场监督管理"),
        ("jurisdiction", "安乡县行政区域"),
        ("legal_representative", "李建国"),
        ("address", "湖南省常德市安乡县深柳镇新址路1号"),
        ("supervision.postcode", "41560"),
    ];
    let r = t.post_form(&b, &format!("/agencies/{own}/edit"), &fields, true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("邮政编码应为6位数字"));
    let mut good = fields.to_vec();
    good.pop();
    assert_eq!(t.post_form(&b, &format!("/agencies/{own}/edit"), &good, true).await.status, StatusCode::SEE_OTHER);
    assert_eq!(t.app.db.agency(own).await.unwrap().unwrap().info.address, "湖南省常德市安乡县深柳镇新址路1号");
    let other = t.login("ltj-admin").await;
    assert_eq!(t.post_form(&other, &format!("/agencies/{own}/edit"), &good, true).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn mistyped_addresses_and_forms_of_other_agencies_answer_in_chinese() {
    let t = TestApp::with_demo().await;
    let own = t.agency_id("安乡县市场监督管理局").await;
    let officer = t.app.db.officers(own).await.unwrap()[0].id;
    let b = t.login("ltj-admin").await;
    let r = t.get(Some(&b), "/officers/not-a-uuid").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("页面不存在"));
    let r = t.get(Some(&b), "/api/v1/officers/not-a-uuid").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("\"code\":\"not_found\""));
    let r = t.get(Some(&b), &format!("/agencies/{own}/officers")).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.body.contains("只接受表单提交"));
    for path in [
        format!("/officers/{officer}/leave"),
        format!("/officers/{officer}/certificates/new"),
        format!("/agencies/{own}/units/new"),
        format!("/agencies/{own}/import"),
    ] {
        let r = t.get(Some(&b), &path).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    let admin = t.login("scj-admin").await;
    assert_eq!(
        t.get(Some(&admin), &format!("/officers/{officer}/certificates/NOPE/revoke")).await.status,
        StatusCode::NOT_FOUND
    );
}
