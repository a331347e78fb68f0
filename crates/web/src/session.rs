//! Sessions and CSRF.
//!
//! The session cookie (`zhifa_session`, HttpOnly, SameSite=Lax, Secure behind HTTPS)
//! carries a random token whose hash is stored. Every state-changing request is checked by
//! [`csrf_guard`]: a form's `_csrf` field (or `?_csrf=` for file uploads) must equal the
//! session's token, or before login the `zhifa_csrf` cookie's; an API call must send the
//! session's token in `X-CSRF-Token`.

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use rand::RngCore;
use zhifa_app::auth::LoginError;
use zhifa_core::access::Principal;

use crate::AppState;
use crate::error::ApiError;
use crate::forms::{MessageTemplate, Nav, pairs, render, value};

pub const SESSION_COOKIE: &str = "zhifa_session";
pub const PRE_SESSION_COOKIE: &str = "zhifa_csrf";

/// Reads one cookie.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn set_cookie(name: &str, value: &str, secure: bool, max_age: Option<i64>) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if secure {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&c).expect("cookie is ASCII")
}

pub fn random_token() -> String {
    let mut b = [0u8; 24];
    rand::rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// The logged-in account.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub principal: Principal,
    pub csrf: String,
}

async fn current(parts: &Parts, state: &AppState) -> Option<CurrentUser> {
    let token = cookie(&parts.headers, SESSION_COOKIE)?;
    match state.app.session(token).await {
        Ok(Some((account, csrf))) => Some(CurrentUser { principal: account.principal(), csrf }),
        Ok(None) => None,
        Err(e) => {
            tracing::error!(error = %e, "session lookup failed");
            None
        }
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // The CSRF guard has already looked the session up for state-changing requests.
        let known = parts.extensions.get::<CurrentUser>().cloned();
        let user = match known {
            Some(u) => Some(u),
            None => current(parts, state).await,
        };
        match user {
            Some(u) => Ok(u),
            None if parts.uri.path().starts_with("/api/") => Err(ApiError::unauthorized().into_response()),
            None => Err(Redirect::to("/login").into_response()),
        }
    }
}

/// Refuses state-changing requests without the right CSRF token.
pub async fn csrf_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let user = current(&parts, &state).await;
    if let Some(u) = &user {
        parts.extensions.insert(u.clone());
    }
    if path.starts_with("/api/") {
        if path == "/api/v1/session" && parts.method == Method::POST {
            return next.run(Request::from_parts(parts, body)).await;
        }
        let sent = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
        return match (&user, sent) {
            (None, _) => ApiError::unauthorized().into_response(),
            (Some(u), Some(t)) if t == u.csrf => next.run(Request::from_parts(parts, body)).await,
            _ => ApiError(
                StatusCode::FORBIDDEN,
                crate::error::ApiErrorBody {
                    code: "csrf",
                    message: "缺少或错误的 X-CSRF-Token 请求头".into(),
                    field: None,
                    errors: vec![],
                },
            )
            .into_response(),
        };
    }
    let expected = match &user {
        Some(u) => Some(u.csrf.clone()),
        None => cookie(&parts.headers, PRE_SESSION_COOKIE).map(str::to_string),
    };
    let content_type = parts.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let (sent, body) = if content_type.starts_with("multipart/form-data") {
        let q = parts.uri.query().unwrap_or("");
        (value(&pairs(q.as_bytes()), "_csrf").to_string(), body)
    } else {
        let bytes = match to_bytes(body, 2 * 1024 * 1024).await {
            Ok(b) => b,
            Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "表单内容过大").into_response(),
        };
        (value(&pairs(&bytes), "_csrf").to_string(), Body::from(bytes))
    };
    if expected.as_deref().is_some_and(|e| !e.is_empty() && e == sent) {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let nav = user.as_ref().map(Nav::for_user).unwrap_or_default();
    render(
        StatusCode::FORBIDDEN,
        MessageTemplate {
            nav: &nav,
            title: "表单已失效",
            class: "alert",
            message: "表单已过期或来源无法确认（CSRF校验未通过），请返回刷新页面后重新提交。",
            rows: vec![],
            back: "/",
        },
    )
}

#[derive(askama::Template)]
#[template(path = "login.html")]
struct LoginTemplate {
    nav: Nav,
    username: String,
    error: Option<String>,
}

/// GET /login
pub async fn login_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let token = cookie(&headers, PRE_SESSION_COOKIE).map(str::to_string).unwrap_or_else(random_token);
    let mut resp =
        render(StatusCode::OK, LoginTemplate { nav: Nav::anonymous(&token), username: String::new(), error: None });
    resp.headers_mut().append(SET_COOKIE, set_cookie(PRE_SESSION_COOKIE, &token, state.config.secure_cookies, None));
    resp
}

/// The client's address, when the server was started with connect info.
pub struct ClientAddr(pub Option<std::net::SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(parts.extensions.get::<ConnectInfo<std::net::SocketAddr>>().map(|c| c.0)))
    }
}

/// The throttling key of a client.
pub fn client_key(headers: &HeaderMap, addr: &ClientAddr) -> String {
    // Behind a proxy the first X-Forwarded-For address is the client.
    headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|s| s.trim().to_string())
        .or_else(|| addr.0.map(|a| a.ip().to_string()))
        .unwrap_or_else(|| "unknown".into())
}

/// POST /login
pub async fn login_submit(
    State(state): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form = pairs(&body);
    let username = value(&form, "username").trim().to_string();
    let password = value(&form, "password");
    let csrf = cookie(&headers, PRE_SESSION_COOKIE).unwrap_or("").to_string();
    let fail = |status, msg: String| {
        render(status, LoginTemplate { nav: Nav::anonymous(&csrf), username: username.clone(), error: Some(msg) })
    };
    if username.is_empty() || password.is_empty() {
        return fail(StatusCode::UNPROCESSABLE_ENTITY, "请填写用户名和密码".into());
    }
    match state.app.login(&username, password, &client_key(&headers, &addr)).await {
        Ok(s) => {
            let mut resp = Redirect::to("/").into_response();
            let age = zhifa_app::auth::SESSION_HOURS * 3600;
            resp.headers_mut()
                .append(SET_COOKIE, set_cookie(SESSION_COOKIE, &s.token, state.config.secure_cookies, Some(age)));
            resp
        }
        Err(LoginError::Internal(e)) => {
            tracing::error!(error = %e, "login failed internally");
            fail(StatusCode::INTERNAL_SERVER_ERROR, "服务器内部错误，请稍后重试".into())
        }
        Err(e @ LoginError::Throttled(_)) => fail(StatusCode::TOO_MANY_REQUESTS, e.to_string()),
        Err(e) => fail(StatusCode::UNAUTHORIZED, e.to_string()),
    }
}

/// POST /logout
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie(&headers, SESSION_COOKIE)
        && let Err(e) = state.app.logout(token).await
    {
        tracing::error!(error = %e, "logout failed");
    }
    let mut resp = Redirect::to("/login").into_response();
    resp.headers_mut().append(SET_COOKIE, set_cookie(SESSION_COOKIE, "", state.config.secure_cookies, Some(0)));
    resp
}
