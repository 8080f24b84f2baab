//! A headless Chromium for the browser test: Debian's `chromium` driven by
//! its `chromedriver` (the `chromium-driver` package, always the same
//! version) over W3C WebDriver, with fantoccini; and what WebDriver does
//! not standardise, through chromedriver's own endpoints: the browser's
//! console log and the DevTools pass-through (viewport, dark mode).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

/// The environment variable that turns a missing browser into a failure
/// (CI sets it; elsewhere the test is skipped with a message).
pub(crate) const REQUIRE: &str = "REQUIRE_BROWSER";

/// The programs the test needs, found on the `PATH`.
pub(crate) struct Tools {
    chromedriver: PathBuf,
    chromium: PathBuf,
}

/// The first of `names` on the `PATH`.
fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

impl Tools {
    /// `chromedriver` and a Chromium, or `None` after saying on standard
    /// error that `test` is skipped, and why; a panic instead when
    /// [`REQUIRE`] is set.
    pub(crate) fn find_or_skip(test: &str) -> Option<Tools> {
        let chromedriver = on_path(&["chromedriver"]);
        let chromium = on_path(&["chromium", "chromium-browser", "google-chrome"]);
        if let (Some(chromedriver), Some(chromium)) = (&chromedriver, &chromium) {
            return Some(Tools {
                chromedriver: chromedriver.clone(),
                chromium: chromium.clone(),
            });
        }
        let missing: Vec<&str> = [
            chromedriver.is_none().then_some("chromedriver"),
            chromium.is_none().then_some("chromium"),
        ]
        .into_iter()
        .flatten()
        .collect();
        let missing = missing.join(" or ");
        let install = "on Debian: apt-get install chromium chromium-driver";
        let required = std::env::var_os(REQUIRE).is_some_and(|v| !v.is_empty() && v != "0");
        assert!(
            !required,
            "{test}: {REQUIRE} is set, and there is no {missing} on the PATH ({install})"
        );
        let message = format!(
            "{test}: SKIPPED, no {missing} on the PATH ({install}; set {REQUIRE}=1 to make this a failure)"
        );
        // Straight to the process's standard error, past the test
        // harness's capture, so that the skip shows in `cargo test`.
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "\n{message}\n");
        None
    }
}

/// A running chromedriver, stopped when dropped.
pub(crate) struct Driver {
    child: Child,
    url: String,
    chromium: PathBuf,
}

impl Driver {
    /// Starts chromedriver on a free port of this machine.
    pub(crate) fn start(tools: &Tools) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}/"),
            chromium: tools.chromium.clone(),
        }
    }

    /// A new headless session, its console logged, retried for up to ten
    /// seconds while chromedriver starts.
    pub(crate) async fn session(&self) -> Client {
        let capabilities: Capabilities = serde_json::from_value(json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": self.chromium,
                // As root (CI) Chromium runs only without its sandbox; the
                // page is a local file.
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1280,800"],
            },
            "goog:loggingPrefs": {"browser": "ALL"},
        }))
        .expect("capabilities are an object");
        let mut last = String::new();
        for _ in 0..100 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&self.url)
                .await
            {
                Ok(client) => return client,
                Err(e) => last = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "no WebDriver session from chromedriver at {}: {last}",
            self.url
        );
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A chromedriver command outside the W3C standard: `POST` of `body` to
/// `session/{id}/{path}`.
#[derive(Debug)]
struct Extension {
    path: &'static str,
    body: Value,
}

impl WebDriverCompatibleCommand for Extension {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session.expect("a command inside a session");
        base.join(&format!("session/{session}/{}", self.path))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

/// Runs the DevTools command `method` with `params`.
pub(crate) async fn devtools(client: &Client, method: &str, params: Value) {
    client
        .issue_cmd(Extension {
            path: "goog/cdp/execute",
            body: json!({"cmd": method, "params": params}),
        })
        .await
        .unwrap_or_else(|e| panic!("{method}: {e}"));
}

/// The page's viewport: `width` by `height` CSS pixels, as a phone (touch,
/// its own viewport rules) when `mobile`.
pub(crate) async fn viewport(client: &Client, width: u32, height: u32, mobile: bool) {
    devtools(
        client,
        "Emulation.setDeviceMetricsOverride",
        json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}),
    )
    .await;
}

/// Whether the page sees `prefers-color-scheme: dark`.
pub(crate) async fn dark(client: &Client, on: bool) {
    let scheme = if on { "dark" } else { "light" };
    devtools(
        client,
        "Emulation.setEmulatedMedia",
        json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
    )
    .await;
}

/// The console's errors since the last call: messages logged as errors and
/// uncaught exceptions.
pub(crate) async fn console_errors(client: &Client) -> Vec<String> {
    let log = client
        .issue_cmd(Extension {
            path: "se/log",
            body: json!({"type": "browser"}),
        })
        .await
        .expect("chromedriver gives the browser's log");
    log.as_array()
        .expect("the log is a list")
        .iter()
        .filter(|entry| entry["level"] == "SEVERE")
        .map(|entry| entry["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Presses `key` `times` times, as the keyboard does (to whatever has the
/// focus).
pub(crate) async fn press(client: &Client, key: Key, times: usize) {
    let mut keys = KeyActions::new("keyboard".to_owned());
    for _ in 0..times {
        keys = keys
            .then(KeyAction::Down { value: key.into() })
            .then(KeyAction::Up { value: key.into() });
    }
    client.perform_actions(keys).await.expect("keys pressed");
}

/// The `file://` URL of `path`.
pub(crate) fn file_url(path: &Path) -> String {
    let path = path.canonicalize().expect("the page exists");
    url::Url::from_file_path(&path)
        .expect("an absolute path")
        .to_string()
}
