//! An OpenFeature provider reading routes from the environment: `SEAM_ROLLOUT`, and the
//! file `SEAM_ROLLOUT_FILE` names, whose entries win per operation and which is read
//! again whenever it changes.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use open_feature::provider::ProviderMetadata;
use open_feature::Value;

use super::flags::parse_flag_key;
use super::mode::Route;
use super::provider::{feature_provider, route_flag};
use super::spec::{parse_spec, SpecError};

/// The variable holding a spec.
pub const SEAM_ROLLOUT: &str = "SEAM_ROLLOUT";
/// The variable naming a file of spec lines.
pub const SEAM_ROLLOUT_FILE: &str = "SEAM_ROLLOUT_FILE";

/// Why an [`EnvProvider`] could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum EnvProviderError {
    /// `SEAM_ROLLOUT` (or the spec given) was refused.
    Spec(SpecError),
    /// The file could not be read or was refused.
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

impl fmt::Display for EnvProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvProviderError::Spec(err) => write!(f, "{SEAM_ROLLOUT}: {err}"),
            EnvProviderError::File { path, reason } => {
                write!(f, "{SEAM_ROLLOUT_FILE} {}: {reason}", path.display())
            }
        }
    }
}

impl std::error::Error for EnvProviderError {}

/// Routes from `SEAM_ROLLOUT` and `SEAM_ROLLOUT_FILE` as OpenFeature flags (see
/// [`parse_spec`] for the form). The file is checked at every evaluation and read again
/// when its modification time or size changed; a file that can no longer be read or
/// parsed keeps the last good routes, and why is logged once per distinct problem.
#[derive(Debug)]
pub struct EnvProvider {
    metadata: ProviderMetadata,
    env: BTreeMap<String, Route>,
    file: Option<PathBuf>,
    state: Mutex<FileState>,
}

/// What was last read from the file.
#[derive(Debug, Default)]
struct FileState {
    /// The modification time and size it was read at.
    stamp: Option<(Option<SystemTime>, u64)>,
    /// The environment's routes with the file's over them.
    routes: BTreeMap<String, Route>,
    /// The last problem logged, so that a file that stays bad is logged once.
    problem: Option<String>,
    /// A stamp seen but not yet read, and when it was first seen: a change
    /// is read once it has held for [`SETTLE`], so a file caught between
    /// its truncate and its write is never taken for its new content.
    pending: Option<((Option<SystemTime>, u64), Instant)>,
}

/// How long a changed file must stay unchanged before it is read.
const SETTLE: Duration = Duration::from_millis(100);

impl EnvProvider {
    /// Reads `SEAM_ROLLOUT` and `SEAM_ROLLOUT_FILE` (both optional). A bad spec in either
    /// is refused here, with every bad entry named.
    pub fn from_env() -> Result<Self, EnvProviderError> {
        let spec = std::env::var(SEAM_ROLLOUT).unwrap_or_default();
        let file = std::env::var_os(SEAM_ROLLOUT_FILE)
            .filter(|f| !f.is_empty())
            .map(PathBuf::from);
        EnvProvider::new(&spec, file)
    }

    /// The provider `from_env` builds, from values given here.
    pub fn new(spec: &str, file: Option<PathBuf>) -> Result<Self, EnvProviderError> {
        let env = parse_spec(spec).map_err(EnvProviderError::Spec)?;
        let mut state = FileState {
            routes: env.clone(),
            ..FileState::default()
        };
        if let Some(path) = &file {
            let stamp = stamp(path).map_err(|reason| EnvProviderError::File {
                path: path.clone(),
                reason,
            })?;
            let routes = read(path, &env).map_err(|reason| EnvProviderError::File {
                path: path.clone(),
                reason,
            })?;
            state.stamp = Some(stamp);
            state.routes = routes;
        }
        Ok(EnvProvider {
            metadata: ProviderMetadata::new("seam-rollout-env"),
            env,
            file,
            state: Mutex::new(state),
        })
    }

    /// The routes in force now, the file read again if it changed.
    pub fn routes(&self) -> BTreeMap<String, Route> {
        self.current(|routes| routes.clone())
    }

    fn current<R>(&self, f: impl FnOnce(&BTreeMap<String, Route>) -> R) -> R {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(path) = &self.file {
            self.refresh(path, &mut state);
        }
        f(&state.routes)
    }

    fn refresh(&self, path: &Path, state: &mut FileState) {
        let result = stamp(path).and_then(|now| {
            if state.stamp == Some(now) {
                state.pending = None;
                return Ok(());
            }
            match state.pending {
                Some((seen, since)) if seen == now && since.elapsed() >= SETTLE => {
                    state.pending = None
                }
                Some((seen, _)) if seen == now => return Ok(()),
                _ => {
                    state.pending = Some((now, Instant::now()));
                    return Ok(());
                }
            }
            let routes = read(path, &self.env)?;
            state.stamp = Some(now);
            state.routes = routes;
            Ok(())
        });
        match result {
            Ok(()) => state.problem = None,
            Err(problem) if state.problem.as_ref() != Some(&problem) => {
                tracing::warn!(
                    target: "seam",
                    file = %path.display(),
                    "seam: {SEAM_ROLLOUT_FILE}: {problem}; keeping the last good routes"
                );
                state.problem = Some(problem);
            }
            Err(_) => {}
        }
    }

    fn lookup(&self, key: &str) -> Option<Value> {
        let (operation, kind) = parse_flag_key(key)?;
        self.current(|routes| routes.get(operation).map(|route| route_flag(route, kind)))
    }
}

feature_provider!(EnvProvider);

/// When the file was last changed, and its size.
fn stamp(path: &Path) -> Result<(Option<SystemTime>, u64), String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read it: {e}"))?;
    Ok((meta.modified().ok(), meta.len()))
}

/// `env` with the file's routes over it.
fn read(path: &Path, env: &BTreeMap<String, Route>) -> Result<BTreeMap<String, Route>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read it: {e}"))?;
    let file = parse_spec(&text).map_err(|e| e.to_string())?;
    let mut routes = env.clone();
    routes.extend(file);
    Ok(routes)
}
