/// What `logscan timeline` is told by the configuration's `timeline`
/// section (docs/timeline.md):
///
///     timeline:
///       merge_gap: 10m       # alerts this close on related scopes are one incident
///       objective: 99.5%     # the availability objective error budgets are counted against
///       period: 30d          # the objective's period
///       lookback: 1h         # changes and "the hour before" are looked for this far back
///       samples: 3           # failed requests shown per incident, with their traces
///       severity: critical   # alerts of this severity or more make incidents
///       changes:
///         actions: [deploy, rollout]        # replace the built-in action keywords
///         keywords: ["deployed version"]    # replace the built-in message keywords
package struct TimelineSettings: Sendable, Equatable {
  package var mergeGap: Int64 = 10 * 60_000_000_000
  package var objective = 0.995
  package var period: Int64 = 30 * 86_400_000_000_000
  package var lookback: Int64 = 3_600_000_000_000
  package var samples = 3
  /// Alerts of this severity or more make incidents; others are shown with
  /// the incidents they overlap.
  package var severity = Severity.critical
  package var changeActions = Self.defaultChangeActions
  package var changeKeywords = Self.defaultChangeKeywords
  /// Keeps per-service minute rows with latency (the live dashboard).
  package var serviceMinutes = false

  package init() {}

  /// An `action` containing one of these (any case) is a change: a deploy,
  /// a configuration change, a restart.
  package static let defaultChangeActions = [
    "deploy", "release", "rollout", "rollback", "restart", "reboot", "config_change", "config_reload",
    "config_update", "configuration", "feature_flag", "flag_change", "migration", "startup", "shutdown", "scale",
  ]
  /// A message containing one of these (any case) is a change, for events
  /// that are not request events (no status and no duration).
  package static let defaultChangeKeywords = [
    "deploy", "rolled out", "rollout", "rolling update", "rollback", "rolled back", "restart", "reboot",
    "config change", "configuration change", "config reload", "configuration reload", "reloaded config",
    "reloading config", "feature flag", "server started", "starting server", "started server", "starting up",
    "shutting down", "migration", "new version", "upgraded to", "scaled to", "scaling",
  ]
}
