//! The public portal over HTTP, in-process and without logging in: an agency's
//! pre-disclosure page with its officers and certificates but none of their personal
//! numbers, the certificate search and page with its QR code and printable card, a revoked
//! certificate shown as such, and bad input answered in Chinese, never with a 500.

mod support;

use axum::http::StatusCode;
use support::*;
use zhifa_app::cases::beijing_now;

const AGENCY: &str = "安乡县市场监督管理局";

// rule: D-01
// rule: P-06
#[tokio::test]
async fn anyone_reads_an_agencys_subject_information_officers_and_items_but_no_personal_numbers() {
    let t = TestApp::with_demo().await;
    let home = t.get(None, "/gs").await;
    assert_eq!(home.status, StatusCode::OK);
    let agency = t.agency_id(AGENCY).await;
    assert!(home.body.contains(&format!("/gs/agencies/{agency}")) && home.body.contains(AGENCY), "{}", home.body);
    let page = t.get(None, &format!("/gs/agencies/{agency}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let officers = t.app.db.officers(agency).await.unwrap();
    let certs = t.app.db.certificates_of_agency(agency).await.unwrap();
    assert!(!certs.is_empty());
    for c in &certs {
        let o = officers.iter().find(|o| o.id == c.officer_id).unwrap();
        if o.left_on.is_none() {
            assert!(page.body.contains(&c.number) && page.body.contains(&o.name), "{} {}", c.number, o.name);
            assert!(page.body.contains(&format!("/gs/certificates/{}", c.number)));
        }
    }
    for o in &officers {
        assert!(!page.body.contains(&o.citizen_id), "an officer's citizen ID is never published");
        if !o.phone.is_empty() {
            assert!(!page.body.contains(&o.phone), "nor the telephone");
        }
    }
    for heading in ["人员资格清单", "执法事项清单", "监督电话", "救济途径", "行政处罚裁量基准"]
    {
        assert!(page.body.contains(heading), "{heading}");
    }
    // The benchmarks as the staff see them, public.
    let b = t.get(None, &format!("/gs/agencies/{agency}/benchmarks")).await;
    assert_eq!(b.status, StatusCode::OK);
    assert!(b.body.contains("AX-SC-DJ-001") && b.body.contains("较重"), "{}", b.body);
    // No login page, no staff menu.
    assert!(!page.body.contains("退出") && page.body.contains("工作人员登录"));
    // A mistyped or unknown agency: the Chinese 404.
    assert_eq!(t.get(None, "/gs/agencies/not-a-uuid").await.status, StatusCode::NOT_FOUND);
    let unknown = t.get(None, &format!("/gs/agencies/{}", uuid::Uuid::new_v4())).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.body.contains("未找到执法机关"), "{}", unknown.body);
}

// rule: D-04
#[tokio::test]
async fn a_certificate_is_found_by_its_number_and_shows_its_status_qr_code_and_card() {
    let t = TestApp::with_demo().await;
    let agency = t.agency_id(AGENCY).await;
    let cert =
        t.app.db.certificates_of_agency(agency).await.unwrap().into_iter().find(|c| c.revoked_on.is_none()).unwrap();
    // The search, with the number typed in full-width digits and spaces around.
    let typed: String = cert
        .number
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).filter(|_| c.is_ascii_digit()).unwrap_or(c))
        .collect();
    let r = t.get(None, &format!("/gs/certificates?number=%20{}%20", enc(&typed))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let path = r.headers.get("location").unwrap().to_str().unwrap().to_string();
    assert_eq!(path, format!("/gs/certificates/{}", cert.number));
    let page = t.get(None, &path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&cert.officer_name) && page.body.contains(&cert.unit_name), "{}", page.body);
    assert!(page.body.contains(r#"id="certificate-status">有效"#), "{}", page.body);
    assert!(page.body.contains("<svg") && page.body.contains(&format!("{path}</p>")), "the QR code and its address");
    let card = t.get(None, &format!("{path}/card")).await;
    assert_eq!(card.status, StatusCode::OK);
    assert!(card.body.contains("<svg") && card.body.contains("85.6"), "{}", card.body);

    // Revoked: the page says so, with the date; the reason (which may be personal) is not
    // published.
    let admin = t.app.db.account_for_login("scj-admin").await.unwrap().unwrap().0.principal();
    let today = beijing_now().date();
    t.app.revoke_certificate(&admin, cert.officer_id, &cert.number, today, "调离执法岗位").await.unwrap();
    let page = t.get(None, &path).await;
    assert!(page.body.contains(r#"id="certificate-status">已注销"#), "{}", page.body);
    assert!(page.body.contains(&format!("已于{today}注销")) && !page.body.contains("调离执法岗位"));
}

// rule: D-04
#[tokio::test]
async fn bad_certificate_numbers_get_a_chinese_answer_never_a_server_error() {
    let t = TestApp::with_demo().await;
    let form = t.get(None, "/gs/certificates").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"name="number""#));
    let unknown = t.get(None, "/gs/certificates?number=99999999").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.body.contains(r#"id="err-number""#) && unknown.body.contains("查无此执法证"), "{}", unknown.body);
    assert!(unknown.body.contains(r#"value="99999999""#), "what was typed is kept");
    for (query, message) in [
        ("", "请输入执法证号"),
        (&"9".repeat(300), "不超过40个字符"),
        (&enc("4307' OR 1=1 --"), "只含数字、字母和连字符"),
        (&enc("<script>alert(1)</script>"), "只含数字、字母和连字符"),
    ] {
        let r = t.get(None, &format!("/gs/certificates?number={query}")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert!(r.body.contains(message), "{query}: {}", r.body);
        assert!(!r.body.contains("<script>alert"), "the input is escaped");
    }
    for path in ["/gs/certificates/%E4%B8%AD%E6%96%87", "/gs/certificates/12345678/card", "/gs/certificates/%00"] {
        let r = t.get(None, path).await;
        assert!(r.status.is_client_error(), "{path}: {}", r.status);
    }
}
