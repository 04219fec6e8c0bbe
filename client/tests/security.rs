//! The `dossier` binary against a storage service with TLS and a bearer
//! token: with the CA and the token it works; without the token it gets
//! UNAUTHENTICATED (exit 1); without the CA it cannot connect (exit 4);
//! health probes need no token. Its own test binary, because the server's
//! security is installed process-wide.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use dossier_kit::security::{self, ServerSecurityArgs};
use dossier_tests::services::start_storage;

const TOKEN: &str = "cli-test-token-0123456789abcdef";

struct Files {
    ca: PathBuf,
    token: PathBuf,
}

/// A self-signed certificate and a token file; the server's flags point at
/// them, as an operator's would.
fn write_files(dir: &Path) -> (ServerSecurityArgs, Files) {
    let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
    let certified = rcgen::generate_simple_self_signed(names).unwrap();
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    let token = dir.join("token");
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    std::fs::write(&token, format!("{TOKEN}\n")).unwrap();
    let args = ServerSecurityArgs {
        tls_cert: Some(cert.clone()),
        tls_key: Some(key),
        auth_token_file: Some(token.clone()),
    };
    (args, Files { ca: cert, token })
}

async fn dossier(args: Vec<String>, env: Vec<(&'static str, String)>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_dossier"))
            .args(&args)
            .env_remove("DOSSIER_AUTH_TOKEN")
            .env_remove("DOSSIER_AUTH_TOKEN_FILE")
            .env_remove("DOSSIER_TLS_CA")
            .envs(env)
            .output()
            .expect("dossier runs")
    })
    .await
    .unwrap()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|arg| arg.to_string()).collect()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_talks_to_a_tls_server_with_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let (server_args, files) = write_files(dir.path());
    security::install(server_args.load().unwrap()).unwrap();
    let storage = start_storage(&dir.path().join("data")).await;
    let url = format!("https://127.0.0.1:{}", storage.addr.port());
    let ca = files.ca.to_str().unwrap().to_string();
    let token_file = files.token.to_str().unwrap().to_string();
    let article = dir.path().join("article.txt");
    std::fs::write(
        &article,
        "Harbour reopens\n\nThe harbour reopened on Monday.\n",
    )
    .unwrap();
    let article = article.to_str().unwrap().to_string();

    // CA and token file: ingest and list work.
    let base = strings(&[
        "--storage",
        &url,
        "--tls-ca",
        &ca,
        "--auth-token-file",
        &token_file,
    ]);
    let ingest = dossier(
        [
            base.clone(),
            strings(&["ingest", &article, "--source", "desk", "--json"]),
        ]
        .concat(),
        vec![],
    )
    .await;
    assert!(ingest.status.success(), "{}", stderr(&ingest));
    let listed = dossier([base, strings(&["ls", "--json"])].concat(), vec![]).await;
    assert!(listed.status.success(), "{}", stderr(&listed));
    assert!(String::from_utf8_lossy(&listed.stdout).contains("Harbour reopens"));

    // The token from the environment, the CA from its variable, no scheme.
    let address = format!("127.0.0.1:{}", storage.addr.port());
    let from_env = dossier(
        strings(&["--storage", &address, "ls"]),
        vec![
            ("DOSSIER_TLS_CA", ca.clone()),
            ("DOSSIER_AUTH_TOKEN", TOKEN.to_string()),
        ],
    )
    .await;
    assert!(from_env.status.success(), "{}", stderr(&from_env));

    // No token: UNAUTHENTICATED, exit 1, and the token is never echoed.
    let anonymous = dossier(strings(&["--storage", &url, "--tls-ca", &ca, "ls"]), vec![]).await;
    assert_eq!(anonymous.status.code(), Some(1), "{}", stderr(&anonymous));
    assert!(
        stderr(&anonymous).contains("UNAUTHENTICATED"),
        "{}",
        stderr(&anonymous)
    );

    // A wrong token: UNAUTHENTICATED too.
    let wrong = dossier(
        strings(&["--storage", &url, "--tls-ca", &ca, "ls"]),
        vec![("DOSSIER_AUTH_TOKEN", "not-the-token-at-all".to_string())],
    )
    .await;
    assert_eq!(wrong.status.code(), Some(1), "{}", stderr(&wrong));
    assert!(stderr(&wrong).contains("UNAUTHENTICATED"));
    assert!(!stderr(&wrong).contains("not-the-token-at-all"));

    // Plaintext against the TLS listener, and TLS without the CA: exit 4.
    let plain_url = format!("http://127.0.0.1:{}", storage.addr.port());
    let plaintext = dossier(
        strings(&[
            "--storage",
            &plain_url,
            "--auth-token-file",
            &token_file,
            "ls",
        ]),
        vec![],
    )
    .await;
    assert_ne!(plaintext.status.code(), Some(0), "{}", stderr(&plaintext));
    let untrusted = dossier(
        strings(&["--storage", &url, "--auth-token-file", &token_file, "ls"]),
        vec![],
    )
    .await;
    assert_eq!(untrusted.status.code(), Some(4), "{}", stderr(&untrusted));
    assert!(
        stderr(&untrusted).contains("certificate"),
        "{}",
        stderr(&untrusted)
    );

    // Health needs TLS but no token (container probes have none).
    let health = dossier(strings(&["--tls-ca", &ca, "health", &url]), vec![]).await;
    assert!(health.status.success(), "{}", stderr(&health));
    assert_eq!(String::from_utf8_lossy(&health.stdout).trim(), "SERVING");

    storage.stop().await.unwrap();
}
