//! The S3 backend on the wire, against a stand-in server on the loopback address that
//! answers every request 404: requests are path-style under the bucket and prefix, signed
//! (AWS SigV4 with the ring provider), and a 404 reads as "not stored".

#![cfg(feature = "s3")]

use std::path::Path;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use zhifa_blob::{BlobError, BlobStore, Sha256, StoreLocation};

#[tokio::test]
async fn s3_requests_are_signed_path_style_under_the_prefix() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = seen.clone();
    let server = tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let mut head = Vec::new();
            let mut buf = [0u8; 4096];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            log.lock().unwrap().push(String::from_utf8_lossy(&head).into_owned());
            let _ = socket.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").await;
            let _ = socket.shutdown().await;
        }
    });

    let options = [
        ("endpoint", format!("http://{addr}")),
        ("allow_http", "true".to_owned()),
        ("region", "cn-north-1".to_owned()),
        ("access_key_id", "AKIDZHIFATEST".to_owned()),
        ("secret_access_key", "not-a-real-secret".to_owned()),
    ];
    let location =
        StoreLocation::parse("s3://evidence/zhifa/prod", options.into_iter().map(|(k, v)| (k.to_owned(), v))).unwrap();
    let store = BlobStore::open(&location, Path::new("/nonexistent")).unwrap();

    let sha = Sha256::of(b"never stored");
    assert!(!store.exists(&sha).await.unwrap());
    assert!(matches!(store.get(&sha, None).await.unwrap_err(), BlobError::BlobNotFound { .. }));
    assert!(store.thumbnail(&sha).await.unwrap().is_none());

    let requests = seen.lock().unwrap().clone();
    server.abort();
    assert!(requests.len() >= 3, "{requests:?}");
    let first = &requests[0];
    assert!(first.starts_with(&format!("HEAD /evidence/zhifa/prod/{} HTTP/1.1\r\n", sha.blob_key())), "{first}");
    let lower = first.to_ascii_lowercase();
    assert!(lower.contains("authorization: aws4-hmac-sha256 credential=akidzhifatest/"), "{first}");
    assert!(lower.contains("/cn-north-1/s3/aws4_request"), "{first}");
    assert!(!first.contains("not-a-real-secret"));
}
