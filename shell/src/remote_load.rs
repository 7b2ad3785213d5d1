//! A remote's loading lifecycle as a typed state machine, and the rules for retrying a failed load.
//!
//! ```text
//!   Discovered ──▶ Fetching ──▶ Verifying ──▶ Instantiating ──▶ Mounted
//!                     │  (registry,   │ (entries against    │ (init, contract,
//!                     │   manifest)   │  their SHA-384)     │  mount)
//!                     └───────────────┴─────────────────────┴──▶ Failed { stage, error }
//! ```
//!
//! The outlet holds the state in a signal and renders from it. Pure, so the retry rules are unit-tested natively.

use shared_types::LoadStage;

/// Where loading one remote into one outlet stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteLoad {
    /// The outlet is on the page; nothing requested yet.
    Discovered,
    /// Reading the registry and the remote's manifest.
    Fetching,
    /// Downloading the entries and checking them against their digests.
    Verifying,
    /// Initialising the wasm, checking the contract, mounting.
    Instantiating,
    /// The remote is mounted.
    Mounted,
    /// Loading stopped at `stage`; `error` is the sentence to show.
    Failed { stage: LoadStage, error: String },
}

impl RemoteLoad {
    /// Whether the outlet should show its loading state.
    pub fn is_loading(&self) -> bool {
        matches!(
            self,
            RemoteLoad::Discovered | RemoteLoad::Fetching | RemoteLoad::Verifying | RemoteLoad::Instantiating
        )
    }
}

/// How often, and how soon, a failed load is retried without anyone pressing "Retry".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadRetryPolicy {
    /// Automatic retries after the first failure.
    pub max_automatic: u32,
    /// Delay before the first automatic retry; doubles each time.
    pub first_delay_ms: u32,
}

impl Default for LoadRetryPolicy {
    fn default() -> Self {
        Self {
            max_automatic: 2,
            first_delay_ms: 500,
        }
    }
}

impl LoadRetryPolicy {
    /// The delay before automatic retry number `retries_so_far + 1`, or `None` when the failure is not worth an
    /// automatic retry: only a network failure of the registry, the manifest or the code may pass by itself.
    /// Integrity, contract and permission failures are final, a timeout already waited long, and a failed mount is
    /// the remote's own fault.
    pub fn automatic_retry_delay(&self, stage: LoadStage, network_failure: bool, retries_so_far: u32) -> Option<u32> {
        let transient_stage = matches!(stage, LoadStage::Registry | LoadStage::Manifest | LoadStage::Code);
        (network_failure && transient_stage && retries_so_far < self.max_automatic)
            .then(|| self.first_delay_ms.saturating_mul(1 << retries_so_far.min(16)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_failures_are_retried_twice_with_doubling_delays() {
        let policy = LoadRetryPolicy::default();
        assert_eq!(policy.automatic_retry_delay(LoadStage::Manifest, true, 0), Some(500));
        assert_eq!(policy.automatic_retry_delay(LoadStage::Code, true, 1), Some(1_000));
        assert_eq!(
            policy.automatic_retry_delay(LoadStage::Registry, true, 2),
            None,
            "bounded"
        );
    }

    #[test]
    fn final_failures_are_never_retried_automatically() {
        let policy = LoadRetryPolicy::default();
        for stage in [
            LoadStage::Integrity,
            LoadStage::Contract,
            LoadStage::Permission,
            LoadStage::Mount,
        ] {
            assert_eq!(policy.automatic_retry_delay(stage, true, 0), None, "{stage:?}");
        }
        assert_eq!(policy.automatic_retry_delay(LoadStage::Manifest, false, 0), None);
    }

    #[test]
    fn only_the_stages_before_mounting_show_the_loading_state() {
        assert!(RemoteLoad::Verifying.is_loading());
        assert!(!RemoteLoad::Mounted.is_loading());
        let failed = RemoteLoad::Failed {
            stage: LoadStage::Integrity,
            error: "x".into(),
        };
        assert!(!failed.is_loading());
    }
}
