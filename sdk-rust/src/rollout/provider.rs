//! What Seam's two OpenFeature providers share: answering an evaluation from a flag
//! value they hold, or not.

use open_feature::provider::ResolutionDetails;
use open_feature::{EvaluationError, EvaluationErrorCode, EvaluationResult, Value};

/// The evaluation of `key` from `value`, taken by `extract` when it has the right type.
pub(crate) fn resolve<T>(
    key: &str,
    value: Option<Value>,
    extract: fn(Value) -> Option<T>,
) -> EvaluationResult<ResolutionDetails<T>> {
    let Some(value) = value else {
        return Err(EvaluationError::builder()
            .code(EvaluationErrorCode::FlagNotFound)
            .message(format!("no flag {key}"))
            .build());
    };
    extract(value).map(ResolutionDetails::new).ok_or_else(|| {
        EvaluationError::builder()
            .code(EvaluationErrorCode::TypeMismatch)
            .message(format!("flag {key} holds another type"))
            .build()
    })
}

/// Implements `FeatureProvider` for a type with `metadata: ProviderMetadata` and
/// `fn lookup(&self, key: &str) -> Option<Value>`.
macro_rules! feature_provider {
    ($provider:ty) => {
        #[async_trait::async_trait]
        impl open_feature::provider::FeatureProvider for $provider {
            fn metadata(&self) -> &open_feature::provider::ProviderMetadata {
                &self.metadata
            }

            async fn resolve_bool_value(
                &self,
                key: &str,
                _: &open_feature::EvaluationContext,
            ) -> open_feature::EvaluationResult<open_feature::provider::ResolutionDetails<bool>>
            {
                $crate::rollout::provider::resolve(key, self.lookup(key), |v| v.as_bool())
            }

            async fn resolve_int_value(
                &self,
                key: &str,
                _: &open_feature::EvaluationContext,
            ) -> open_feature::EvaluationResult<open_feature::provider::ResolutionDetails<i64>>
            {
                $crate::rollout::provider::resolve(key, self.lookup(key), |v| v.as_i64())
            }

            async fn resolve_float_value(
                &self,
                key: &str,
                _: &open_feature::EvaluationContext,
            ) -> open_feature::EvaluationResult<open_feature::provider::ResolutionDetails<f64>>
            {
                $crate::rollout::provider::resolve(key, self.lookup(key), |v| v.as_f64())
            }

            async fn resolve_string_value(
                &self,
                key: &str,
                _: &open_feature::EvaluationContext,
            ) -> open_feature::EvaluationResult<open_feature::provider::ResolutionDetails<String>>
            {
                $crate::rollout::provider::resolve(key, self.lookup(key), |v| match v {
                    open_feature::Value::String(s) => Some(s),
                    _ => None,
                })
            }

            async fn resolve_struct_value(
                &self,
                key: &str,
                _: &open_feature::EvaluationContext,
            ) -> open_feature::EvaluationResult<
                open_feature::provider::ResolutionDetails<open_feature::StructValue>,
            > {
                $crate::rollout::provider::resolve(key, self.lookup(key), |v| match v {
                    open_feature::Value::Struct(s) => Some(s),
                    _ => None,
                })
            }
        }
    };
}
pub(crate) use feature_provider;

/// The flag value a route gives `key`, if `key` is one of `route`'s operation's flags.
pub(crate) fn route_flag(route: &super::Route, kind: super::flags::FlagKind) -> Value {
    match kind {
        super::flags::FlagKind::Mode => Value::String(route.mode().as_str().to_owned()),
        super::flags::FlagKind::Percent => Value::Float(route.percent()),
    }
}
