/// A log format logscan reads without configuration: which keys fill which
/// canonical field, and which keys give the format away.
package struct LogFormat: Sendable {
  package struct Key: Sendable {
    package var path: [String]
    package var field: Field
    package var unit: ValueUnit
    package var levelScale: LevelScale

    package init(_ path: [String], _ field: Field, _ unit: ValueUnit = .automatic, _ levelScale: LevelScale = .pino) {
      self.path = path
      self.field = field
      self.unit = unit
      self.levelScale = levelScale
    }
  }

  /// The stable name used in reports and `logscan formats`.
  package var name: String
  package var summary: String
  /// Where the field names come from.
  package var source: String
  /// The keys this format writes, strongest first within each field.
  package var keys: [Key]
  /// A line is of this format when all keys of one of these sets are present.
  package var markers: [[[String]]]
  /// The level of a line that has no level field, when the format leaves
  /// it out for one level (nil: such a line has none).
  package var levelWhenAbsent: Level? = nil
  /// The framework writes lines with a request's method and path that are
  /// not its end: when it starts (ASP.NET Core's "Request starting", Rails'
  /// "Started GET", Fastify's "incoming request") or while it runs
  /// (pino-http's `req.log`). A line of such a format with a path but
  /// neither a status nor a duration is not counted as a request of its
  /// route, or requests would count twice and error rates read half; its
  /// route is still the request's entry route when it is correlated.
  package var logsRequestStarts = false
}

/// The marker keys a line has, a bit each (see `LogFormat.markers`): the
/// catalog holds at most this many distinct marker keys.
package typealias MarkerBits = UInt128

/// How a numeric level maps to logscan's scale.
package enum LevelScale: UInt8, Sendable {
  /// pino and bunyan: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal.
  case pino
  /// OpenTelemetry severityNumber: 1-4 trace, 5-8 debug, 9-12 info, 13-16
  /// warn, 17-20 error, 21-24 fatal.
  case openTelemetry
  /// Syslog severities (RFC 5424), as GELF has them: 0-2 fatal (emergency,
  /// alert, critical), 3 error, 4 warn, 5-6 info (notice, informational),
  /// 7 debug.
  case syslog
  /// klog's verbosity (`v`, Kubernetes components' JSON logs): an info
  /// line of verbosity 0-3, debug from 4 on (the Kubernetes logging
  /// conventions: 4 is debug, 5 and up trace-like detail).
  case klogVerbosity
  /// Any value means an error: klog's `err`, which only error lines have.
  case errorWhenPresent
}

extension LogFormat {
  /// Every format known, most specific first: a line is classified as the
  /// first whose markers it has.
  package static let known: [LogFormat] = [
    LogFormat(
      name: "loguru", summary: "Python loguru with serialize=True (the record nested under \"record\")",
      source: "loguru docs, Logger.add(serialize=True); sample from loguru 0.7 (PyPI)",
      keys: [
        Key(["record", "time", "timestamp"], .timestamp, .seconds), Key(["record", "level", "name"], .level),
        Key(["record", "message"], .message), Key(["record", "extra", "service"], .service),
        Key(["record", "extra", "request_id"], .requestId), Key(["record", "extra", "user_id"], .userId),
        Key(["record", "extra", "method"], .method), Key(["record", "extra", "path"], .path),
        Key(["record", "extra", "status"], .status),
        Key(["record", "extra", "duration_ms"], .duration, .milliseconds),
      ],
      markers: [[["record"], ["text"]]]),
    LogFormat(
      name: "otel", summary: "OpenTelemetry log records (one record per line)",
      source: "OpenTelemetry log data model and OTLP/JSON field names",
      keys: [
        Key(["timeUnixNano"], .timestamp, .nanoseconds), Key(["observedTimeUnixNano"], .timestamp, .nanoseconds),
        Key(["severityText"], .level), Key(["severityNumber"], .level, .automatic, .openTelemetry),
        Key(["body"], .message), Key(["body", "stringValue"], .message), Key(["traceId"], .requestId),
        Key(["resource", "service.name"], .service), Key(["resource", "attributes", "service.name"], .service),
        Key(["attributes", "http.request.method"], .method), Key(["attributes", "http.method"], .method),
        Key(["attributes", "http.route"], .path), Key(["attributes", "url.path"], .path),
        Key(["attributes", "http.target"], .path),
        Key(["attributes", "http.response.status_code"], .status), Key(["attributes", "http.status_code"], .status),
      ],
      markers: [[["timeUnixNano"]], [["observedTimeUnixNano"]], [["severityNumber"]]]),
    LogFormat(
      name: "ecs", summary: "Elastic Common Schema (ecs-logging libraries, Filebeat)",
      source: "ECS field reference 8.x",
      keys: [
        Key(["@timestamp"], .timestamp), Key(["log.level"], .level), Key(["log", "level"], .level),
        Key(["service.name"], .service), Key(["service", "name"], .service),
        Key(["trace.id"], .requestId), Key(["trace", "id"], .requestId),
        Key(["transaction.id"], .requestId), Key(["http.request.id"], .requestId),
        Key(["http", "request", "id"], .requestId), Key(["user.id"], .userId), Key(["user", "id"], .userId),
        Key(["event.action"], .action), Key(["event", "action"], .action),
        Key(["event.duration"], .duration, .nanoseconds), Key(["event", "duration"], .duration, .nanoseconds),
        Key(["http.response.status_code"], .status), Key(["http", "response", "status_code"], .status),
        Key(["http.request.method"], .method), Key(["http", "request", "method"], .method),
        Key(["url.path"], .path), Key(["url", "path"], .path), Key(["url.original"], .path),
        Key(["url", "original"], .path),
      ],
      markers: [
        [["@timestamp"], ["log.level"]], [["@timestamp"], ["log", "level"]], [["ecs.version"]], [["ecs", "version"]],
      ]
    ),
    LogFormat(
      name: "gcp", summary: "Google Cloud structured logging (Cloud Logging, Cloud Run, GKE)",
      source: "cloud.google.com/logging/docs/structured-logging",
      keys: [
        Key(["severity"], .level), Key(["time"], .timestamp), Key(["timestamp", "seconds"], .timestamp, .seconds),
        Key(["httpRequest", "requestMethod"], .method), Key(["httpRequest", "requestUrl"], .path),
        Key(["httpRequest", "status"], .status), Key(["httpRequest", "latency"], .duration, .seconds),
        Key(["logging.googleapis.com/trace"], .requestId), Key(["serviceContext", "service"], .service),
      ],
      markers: [
        [["severity"], ["httpRequest"]], [["logging.googleapis.com/trace"]], [["serviceContext"]], [["severity"]],
      ]),
    LogFormat(
      name: "caddy",
      summary:
        "Caddy access logs (zap: ts, logger, request object, duration in seconds, or integer ns with duration_format nano)",
      source: "Caddy 2 log format; sample from Debian's caddy serving 127.0.0.1",
      keys: [
        Key(["ts"], .timestamp), Key(["request", "method"], .method), Key(["request", "uri"], .path),
        Key(["duration"], .duration, .secondsOrIntegerNanoseconds), Key(["logger"], .service),
        // Header values are arrays: the first is the id.
        Key(["request", "headers", "X-Request-Id"], .requestId),
        Key(["request", "headers", "X-Request-ID"], .requestId),
        Key(["request", "headers", "Traceparent"], .requestId),
      ],
      markers: [[["ts"], ["logger"], ["request", "method"]]]),
    LogFormat(
      name: "zap", summary: "Go zap (production JSON encoder: ts in seconds, caller; Kubernetes components' JSON)",
      source: "go.uber.org/zap NewProductionEncoderConfig; k8s.io/component-base/logs/json (klog's JSON: v, err)",
      // zap encodes every time.Duration field as float seconds by default
      // (a whole number of seconds without a fraction: `"timeout":30`).
      // Kubernetes components log through zap too (--logging-format=json,
      // k8s.io/component-base/logs/json): no level key, `v` (verbosity) on
      // info lines, `err` on error lines, ts in milliseconds.
      keys: [
        Key(["ts"], .timestamp), Key(["logger"], .service), Key(["latency"], .duration, .seconds),
        Key(["duration"], .duration, .seconds), Key(["elapsed"], .duration, .seconds),
        Key(["level"], .level), Key(["v"], .level, .automatic, .klogVerbosity),
        Key(["err"], .level, .automatic, .errorWhenPresent),
      ],
      markers: [[["ts"], ["caller"]], [["ts"], ["msg"], ["level"]]]),
    LogFormat(
      name: "traefik", summary: "Traefik access logs in JSON (Duration in ns, DownstreamStatus, RequestPath)",
      source: "traefik pkg/middlewares/accesslog/logdata.go (the access log's keys)",
      // StartUTC has the request's start to the nanosecond; `time` is when
      // the line was written, to the second.
      keys: [
        Key(["StartUTC"], .timestamp), Key(["Duration"], .duration, .nanoseconds),
        Key(["DownstreamStatus"], .status), Key(["RequestMethod"], .method), Key(["RequestPath"], .path),
        Key(["ServiceName"], .service), Key(["request_X-Request-Id"], .requestId),
        Key(["request_X-Request-ID"], .requestId), Key(["TraceId"], .requestId),
      ],
      markers: [[["DownstreamStatus"]], [["RequestPath"], ["Duration"]]]),
    LogFormat(
      name: "echo", summary: "Go Echo's Logger middleware (JSON access lines: latency in ns, latency_human, uri)",
      source: "labstack/echo middleware.DefaultLoggerConfig; sample from Debian's golang-github-labstack-echo-dev 4.2",
      // `id` is the X-Request-ID header (or what the RequestID middleware
      // made), `error` the handler's error, `host` the virtual host.
      keys: [
        Key(["time"], .timestamp), Key(["latency"], .duration, .nanoseconds), Key(["uri"], .path),
        Key(["id"], .requestId), Key(["error"], .message), Key(["host"], .service),
      ],
      markers: [[["latency_human"]]]),
    LogFormat(
      name: "apigateway", summary: "AWS API Gateway access logs in JSON (requestTime, httpMethod, status, latencies)",
      source: "API Gateway's $context variables as its console's JSON access log template names them "
        + "(REST and HTTP APIs)",
      // Every value is a string. `responseLatency` (REST) and
      // `integrationLatency` are milliseconds; an HTTP API has `routeKey`
      // ("GET /orders/{id}") rather than `resourcePath`.
      keys: [
        Key(["requestTimeEpoch"], .timestamp, .milliseconds), Key(["requestTime"], .timestamp),
        Key(["httpMethod"], .method), Key(["resourcePath"], .path), Key(["path"], .path),
        Key(["routeKey"], .requestLine), Key(["responseLatency"], .duration, .milliseconds),
        Key(["integrationLatency"], .duration, .milliseconds), Key(["requestId"], .requestId),
        Key(["errorMessage"], .message), Key(["error", "message"], .message),
        Key(["domainName"], .service), Key(["apiId"], .service),
      ],
      markers: [[["requestTime"], ["httpMethod"]], [["requestTimeEpoch"], ["routeKey"]]]),
    LogFormat(
      name: "cloudflare",
      summary: "Cloudflare Logpush HTTP requests (RayID, EdgeStartTimestamp, ClientRequest*, Edge*)",
      source: "Cloudflare Logpush http_requests dataset fields (default timestamps: Unix nanoseconds)",
      keys: [
        Key(["EdgeStartTimestamp"], .timestamp), Key(["ClientRequestMethod"], .method),
        Key(["ClientRequestPath"], .path), Key(["ClientRequestURI"], .path), Key(["EdgeResponseStatus"], .status),
        Key(["OriginResponseDurationMs"], .duration, .milliseconds),
        Key(["EdgeTimeToFirstByteMs"], .duration, .milliseconds), Key(["RayID"], .requestId),
        Key(["ClientRequestHost"], .service),
      ],
      markers: [[["RayID"], ["EdgeStartTimestamp"]], [["RayID"], ["ClientRequestMethod"]]]),
    LogFormat(
      name: "envoy", summary: "Envoy and Istio JSON access logs (start_time, response_code, duration in ms)",
      source: "Istio's default JSON access log format; Envoy's access log command operators",
      keys: [
        Key(["start_time"], .timestamp), Key(["response_code"], .status), Key(["duration"], .duration, .milliseconds),
        Key(["method"], .method), Key(["path"], .path), Key(["x-envoy-origin-path"], .path),
        Key(["request_id"], .requestId), Key(["x-request-id"], .requestId), Key(["upstream_cluster"], .service),
      ],
      markers: [[["response_code"], ["response_flags"]], [["start_time"], ["upstream_cluster"]]]),
    LogFormat(
      name: "serilog", summary: ".NET Serilog compact JSON (CLEF: @t, @mt or @m, @l, @x)",
      source: "serilog-formatting-compact README; Serilog.AspNetCore request logging properties",
      keys: [
        Key(["@t"], .timestamp), Key(["@l"], .level), Key(["@m"], .message), Key(["@mt"], .message),
        Key(["@tr"], .requestId), Key(["RequestId"], .requestId), Key(["RequestMethod"], .method),
        Key(["RequestPath"], .path), Key(["StatusCode"], .status), Key(["Elapsed"], .duration, .milliseconds),
        Key(["Application"], .service),
      ],
      markers: [[["@t"], ["@mt"]], [["@t"], ["@m"]]],
      // CLEF leaves @l out for Information events.
      levelWhenAbsent: .info),
    LogFormat(
      name: "bunyan", summary: "Node bunyan (v, numeric level, ISO time, msg)",
      source: "bunyan README, core fields",
      // restify's audit logger (bunyan) writes latency in milliseconds.
      keys: [
        Key(["time"], .timestamp), Key(["name"], .service), Key(["req_id"], .requestId),
        Key(["latency"], .duration, .milliseconds), Key(["req", "method"], .method), Key(["req", "url"], .path),
        Key(["res", "statusCode"], .status),
      ],
      markers: [[["v"], ["hostname"], ["pid"], ["msg"]]]),
    LogFormat(
      name: "pino", summary: "Node pino and pino-http (numeric level, time in ms, msg, req/res)",
      source: "pino docs (API, pino-http serializers)",
      keys: [
        Key(["time"], .timestamp), Key(["responseTime"], .duration, .milliseconds), Key(["req", "id"], .requestId),
        Key(["reqId"], .requestId), Key(["req", "method"], .method), Key(["req", "url"], .path),
        Key(["res", "statusCode"], .status), Key(["name"], .service),
      ],
      // Fastify logs "incoming request" with req and "request completed"
      // with res and responseTime; pino-http's req.log puts req on every
      // line an app writes during a request.
      markers: [[["pid"], ["hostname"], ["msg"]], [["responseTime"], ["req"]]], logsRequestStarts: true),
    LogFormat(
      name: "structlog", summary: "Python structlog JSONRenderer (event, level, timestamp)",
      source: "structlog docs; sample from structlog (PyPI)",
      // A service field the application adds names it better than the
      // logger (the module) does.
      keys: [
        Key(["event"], .message), Key(["service"], .service), Key(["otelServiceName"], .service),
        Key(["logger"], .service),
      ],
      markers: [[["event"], ["level"]]]),
    LogFormat(
      name: "python-json-logger", summary: "Python python-json-logger (levelname, asctime, name, message)",
      source: "python-json-logger docs; sample from python-json-logger (PyPI)",
      keys: [
        Key(["levelname"], .level), Key(["asctime"], .timestamp), Key(["service"], .service),
        Key(["otelServiceName"], .service), Key(["name"], .service),
      ],
      // The last set: its fields renamed (`rename_fields={"levelname":
      // "level", "asctime": "time"}`), the logger's name kept (with
      // `timestamp` instead, semantic_logger's lines have the same keys).
      markers: [[["levelname"]], [["asctime"], ["message"]], [["time"], ["name"], ["message"], ["level"]]]),
    LogFormat(
      name: "grafana", summary: "Grafana server logs with [log.console] format = json (t, level or lvl, logger, msg)",
      source: "Grafana's go-kit based logger (pkg/infra/log): t, level (lvl before 7), logger, msg; the "
        + "context logger's Request Completed lines (method, path, status, time_ms, duration with a unit)",
      keys: [
        Key(["t"], .timestamp), Key(["logger"], .service), Key(["duration"], .duration, .milliseconds),
        Key(["time_ms"], .duration, .milliseconds), Key(["traceID"], .requestId), Key(["uname"], .userId),
        Key(["error"], .message),
      ],
      // Before nginx: its request lines have a remote_addr too.
      markers: [[["t"], ["logger"], ["msg"]]]),
    LogFormat(
      name: "nginx", summary: "nginx log_format ... escape=json (request_time in seconds, $request_id)",
      source: "nginx ngx_http_log_module variables; sample from Debian's nginx serving 127.0.0.1",
      keys: [
        // $msec has milliseconds; the two dates whole seconds.
        Key(["msec"], .timestamp, .seconds), Key(["time_iso8601"], .timestamp), Key(["time_local"], .timestamp),
        Key(["request_method"], .method), Key(["request_uri"], .path), Key(["uri"], .path),
        Key(["request"], .requestLine), Key(["request_time"], .duration, .seconds),
        Key(["request_id"], .requestId), Key(["status"], .status),
      ],
      markers: [[["remote_addr"]], [["request_time"]], [["time_local"]], [["time_iso8601"]]]),
    LogFormat(
      name: "lograge", summary: "Rails lograge in JSON (controller, action, duration in ms, no timestamp by default)",
      source: "lograge 0.10 LogSubscriber (Debian's ruby-lograge): method, path, format, controller, action, status, "
        + "duration/view/db in ms, error",
      keys: [
        Key(["duration"], .duration, .milliseconds), Key(["error"], .message), Key(["request_id"], .requestId),
        Key(["time"], .timestamp),
      ],
      markers: [[["controller"], ["action"], ["duration"]], [["controller"], ["format"], ["status"]]]),
    LogFormat(
      name: "log4j2", summary: "Java log4j2 JsonLayout (instant or timeMillis, loggerName, thread, thrown)",
      source: "sample from Debian's liblog4j2-java 2.19 JsonLayout, compact, with and without includeTimeMillis",
      // `instant` also has nanoOfSecond: times are read to the second.
      keys: [
        Key(["timeMillis"], .timestamp, .milliseconds), Key(["instant", "epochSecond"], .timestamp, .seconds),
        Key(["thrown", "message"], .message),
      ],
      markers: [[["loggerFqcn"]], [["loggerName"], ["endOfBatch"]]]),
    LogFormat(
      name: "logstash",
      summary: "Java logback with logstash-logback-encoder (Spring Boot's JSON: @timestamp, logger_name, MDC fields)",
      source: "sample from Debian's liblogstash-logback-encoder-java 7.2 (LogstashEncoder on logback 1.2) with MDC "
        + "and structured arguments; app_name, springAppName and X-B3-TraceId as Spring setups add them",
      keys: [
        Key(["@timestamp"], .timestamp), Key(["level"], .level), Key(["message"], .message),
        Key(["app_name"], .service), Key(["appName"], .service), Key(["springAppName"], .service),
        Key(["X-B3-TraceId"], .requestId),
      ],
      markers: [[["@version"], ["logger_name"]], [["@version"], ["level_value"]]]),
    LogFormat(
      name: "hclog", summary: "HashiCorp go-hclog JSON (Consul, Nomad, Vault, Terraform with -log-json)",
      source: "hashicorp/go-hclog JSONFormat (@level, @message, @module, @timestamp, call key/values); "
        + "sample from Debian's golang-github-hashicorp-go-hclog-dev 0.11",
      // A time.Duration value is written as integer nanoseconds, or as its
      // String() ("1.5ms") when the caller formats it.
      keys: [
        Key(["@level"], .level), Key(["@message"], .message), Key(["@timestamp"], .timestamp),
        Key(["@module"], .service), Key(["latency"], .duration, .nanoseconds),
        Key(["duration"], .duration, .nanoseconds), Key(["url"], .path),
      ],
      markers: [[["@level"], ["@message"]]]),
    LogFormat(
      name: "postgres", summary: "PostgreSQL jsonlog (log_destination = 'jsonlog', PostgreSQL 15+)",
      source: "PostgreSQL 15 runtime-config-logging (jsonlog keys); sample from Debian's postgresql-15 with "
        + "log_timezone = 'Europe/Berlin' (times like \"2026-11-23 14:07:41.822 CET\")",
      // Durations are inside the message ("duration: 0.203 ms  statement:
      // ..."), not a key: not read.
      keys: [
        Key(["error_severity"], .level), Key(["application_name"], .service), Key(["backend_type"], .service),
        Key(["user"], .userId),
      ],
      markers: [[["error_severity"]]]),
    LogFormat(
      name: "semantic_logger", summary: "Ruby semantic_logger JSON (Rails: named_tags, payload of Completed #action)",
      source: "semantic_logger Formatters::Raw/Json (timestamp, level, level_index, name, message, duration_ms, "
        + "named_tags, payload, exception) and rails_semantic_logger's request payload (method, path, status)",
      keys: [
        Key(["payload", "method"], .method), Key(["payload", "path"], .path), Key(["payload", "status"], .status),
        Key(["named_tags", "request_id"], .requestId), Key(["named_tags", "requestId"], .requestId),
        Key(["named_tags", "user_id"], .userId), Key(["payload", "request_id"], .requestId),
        Key(["exception", "message"], .message),
      ],
      markers: [[["level_index"]]], logsRequestStarts: true),
    LogFormat(
      name: "monolog", summary: "PHP Monolog JsonFormatter (Laravel, Symfony: level_name, channel, datetime, context)",
      source: "Monolog 2 JsonFormatter; sample from Debian's php-monolog 2.9 with the Uid and Web processors",
      // `level` is Monolog's own scale (200 info ... 600 emergency): the
      // name is read instead. The WebProcessor puts the request on every
      // line written while it runs (no status, no duration).
      keys: [
        Key(["datetime"], .timestamp), Key(["level_name"], .level), Key(["message"], .message),
        Key(["channel"], .service), Key(["context", "duration_ms"], .duration, .milliseconds),
        Key(["context", "status"], .status), Key(["context", "status_code"], .status),
        Key(["extra", "http_method"], .method), Key(["extra", "url"], .path),
        Key(["context", "request_id"], .requestId), Key(["extra", "request_id"], .requestId),
        Key(["extra", "unique_id"], .requestId), Key(["context", "user_id"], .userId),
        Key(["extra", "user_id"], .userId), Key(["context", "action"], .action),
      ],
      markers: [[["level_name"], ["channel"]]], logsRequestStarts: true),
    LogFormat(
      name: "dotnet",
      summary: ".NET Microsoft.Extensions.Logging JSON console (ASP.NET Core: LogLevel, Category, State)",
      source: "Microsoft.Extensions.Logging.Console JsonConsoleFormatter (Timestamp when TimestampFormat is set, "
        + "EventId, LogLevel, Category, Message, Exception, State, Scopes) and ASP.NET Core's hosting "
        + "diagnostics (Request finished: State.ElapsedMilliseconds, StatusCode, Method, Path)",
      keys: [
        Key(["Timestamp"], .timestamp), Key(["LogLevel"], .level), Key(["Message"], .message),
        Key(["State", "ElapsedMilliseconds"], .duration, .milliseconds), Key(["State", "StatusCode"], .status),
        Key(["State", "Method"], .method), Key(["State", "Path"], .path),
        Key(["State", "RequestId"], .requestId), Key(["State", "TraceId"], .requestId),
      ],
      markers: [[["LogLevel"], ["Category"]]], logsRequestStarts: true),
    LogFormat(
      name: "k8s-audit",
      summary: "Kubernetes API server audit log (audit.k8s.io Event: auditID, stage, verb, requestURI)",
      source: "k8s.io/apiserver/pkg/apis/audit Event (the JSON of --audit-log-path)",
      // One line per stage of a request (RequestReceived, then
      // ResponseComplete with the status), both with its auditID: the
      // first is not the request's end, and correlating by auditID gives
      // the time between them. `level` is the audit level (Metadata,
      // Request, RequestResponse), read as info.
      keys: [
        Key(["stageTimestamp"], .timestamp), Key(["responseStatus", "code"], .status), Key(["verb"], .method),
        Key(["requestURI"], .path), Key(["auditID"], .requestId), Key(["user", "username"], .userId),
        Key(["objectRef", "resource"], .service), Key(["responseStatus", "message"], .message),
      ],
      markers: [[["auditID"], ["stage"]]], logsRequestStarts: true),
    LogFormat(
      name: "mongodb", summary: "MongoDB 4.4+ server logs (t.$date, s, c, msg, attr; slow operations' durationMillis)",
      source: "the MongoDB manual's Log Messages page (JSON output format, severities F E W I D1-D5, slow "
        + "operation examples)",
      // The component (NETWORK, COMMAND, STORAGE, ...) stands for the
      // service: a server writes only its own log.
      keys: [
        Key(["t", "$date"], .timestamp), Key(["s"], .level), Key(["msg"], .message), Key(["c"], .service),
        Key(["attr", "durationMillis"], .duration, .milliseconds),
      ],
      markers: [[["t", "$date"], ["s"], ["c"]]]),
    LogFormat(
      name: "journald", summary: "systemd's journal as journalctl -o json writes it (PRIORITY, MESSAGE, units)",
      source: "systemd.journal-fields(7) and journalctl(1) -o json; sample from Debian's systemd 252 "
        + "(journalctl --file on a journal made by systemd-journal-remote)",
      // Every value is a string: the time in microseconds, PRIORITY a syslog
      // severity. Docker's journald driver logs every container under
      // docker.service: its CONTAINER_NAME names it.
      keys: [
        Key(["__REALTIME_TIMESTAMP"], .timestamp, .microseconds), Key(["PRIORITY"], .level, .automatic, .syslog),
        Key(["MESSAGE"], .message), Key(["CONTAINER_NAME"], .service), Key(["_SYSTEMD_USER_UNIT"], .service),
        Key(["_SYSTEMD_UNIT"], .service), Key(["SYSLOG_IDENTIFIER"], .service),
      ],
      markers: [[["__REALTIME_TIMESTAMP"]], [["PRIORITY"], ["MESSAGE"]]]),
    LogFormat(
      name: "gelf",
      summary: "GELF (Graylog; graypy, Spring Boot's gelf, Docker's gelf driver): short_message, syslog levels",
      source: "GELF 1.1 specification (version, host, short_message, timestamp in s, level as a syslog severity, "
        + "additional fields prefixed with _); sample from graypy 2.1 (PyPI)",
      keys: [
        Key(["short_message"], .message), Key(["timestamp"], .timestamp, .seconds),
        Key(["level"], .level, .automatic, .syslog),
        Key(["_service"], .service), Key(["_service_name"], .service), Key(["_application_name"], .service),
        Key(["_app"], .service), Key(["_container_name"], .service), Key(["facility"], .service),
        Key(["host"], .service),
        Key(["_request_id"], .requestId), Key(["_requestId"], .requestId), Key(["_req_id"], .requestId),
        Key(["_trace_id"], .requestId), Key(["_traceId"], .requestId), Key(["_correlation_id"], .requestId),
        Key(["_user_id"], .userId), Key(["_userId"], .userId), Key(["_action"], .action),
        Key(["_duration_ms"], .duration, .milliseconds), Key(["_elapsed_ms"], .duration, .milliseconds),
        Key(["_latency_ms"], .duration, .milliseconds),
        Key(["_status"], .status), Key(["_status_code"], .status), Key(["_http_status"], .status),
        Key(["_method"], .method), Key(["_http_method"], .method), Key(["_request_method"], .method),
        Key(["_path"], .path), Key(["_uri"], .path), Key(["_request_uri"], .path),
      ],
      markers: [[["short_message"]]]),
    LogFormat(
      name: "tracing", summary: "Rust tracing-subscriber JSON (fields.message, span; tower-http's latency and status)",
      source: "tracing-subscriber fmt::format::Json (fields, target, span, spans) and tower-http's TraceLayer "
        + "defaults (span: method, uri; on_response: latency as \"12 ms\", status)",
      // The event's fields are under "fields"; the current span's under
      // "span" (request ids are usually recorded there).
      keys: [
        Key(["fields", "message"], .message), Key(["fields", "latency"], .duration, .milliseconds),
        Key(["fields", "latency_ms"], .duration, .milliseconds),
        Key(["fields", "duration_ms"], .duration, .milliseconds),
        Key(["fields", "elapsed_ms"], .duration, .milliseconds), Key(["fields", "status"], .status),
        Key(["fields", "status_code"], .status), Key(["span", "status"], .status),
        Key(["span", "method"], .method), Key(["fields", "method"], .method),
        Key(["span", "uri"], .path), Key(["span", "path"], .path), Key(["fields", "uri"], .path),
        Key(["fields", "path"], .path),
        Key(["span", "request_id"], .requestId), Key(["span", "requestId"], .requestId),
        Key(["span", "trace_id"], .requestId), Key(["fields", "request_id"], .requestId),
        Key(["fields", "requestId"], .requestId), Key(["fields", "trace_id"], .requestId),
        Key(["span", "user_id"], .userId), Key(["fields", "user_id"], .userId),
        Key(["span", "service"], .service), Key(["fields", "service"], .service),
        Key(["fields", "action"], .action),
      ],
      markers: [[["fields"], ["target"]]]),
    LogFormat(
      name: "logrus", summary: "Go logrus JSONFormatter and log/slog JSONHandler (level, msg, time)",
      source: "logrus JSONFormatter defaults; Go's log/slog JSONHandler (a time.Duration is integer nanoseconds)",
      // Both write a time.Duration value as encoding/json does: integer
      // nanoseconds (or its String(), "1.5ms", when the caller formats it).
      keys: [
        Key(["time"], .timestamp), Key(["duration"], .duration, .nanoseconds),
        Key(["latency"], .duration, .nanoseconds), Key(["elapsed"], .duration, .nanoseconds),
      ],
      markers: [[["time"], ["msg"], ["level"]]]),
    LogFormat(
      name: "zerolog", summary: "Go zerolog (level, time, message; Dur fields in ms) and its hlog access fields",
      source: "sample from Debian's golang-github-rs-zerolog-dev 1.26 with default settings",
      // zerolog writes every Dur field in milliseconds (DurationFieldUnit);
      // an access line made by hlog handlers often has no message.
      keys: [
        Key(["time"], .timestamp), Key(["duration"], .duration, .milliseconds),
        Key(["elapsed"], .duration, .milliseconds), Key(["latency"], .duration, .milliseconds),
        Key(["url"], .path), Key(["error"], .message),
      ],
      markers: [[["time"], ["level"]]]),
    LogFormat(
      name: "canonical", summary: "The canonical event of the playbooks (timestamp, service, duration_ms, ...)",
      source: "logscan's DESIGN.md",
      keys: Field.canonical.filter { $0 != .requestLine }.map { field in
        Key([field.canonicalKey], field, field == .duration ? .milliseconds : .automatic)
      },
      markers: [[["timestamp"], ["service"]], [["duration_ms"]], [["requestId"]], [["timestamp"], ["message"]]]),
  ]

  package static var canonicalFormat: LogFormat { known.first { $0.name == "canonical" }! }

  /// Names logscan gives lines no format claims.
  package static let unknownName = "json"

  /// Keys read in every format, in addition to each format's own (generic
  /// names many loggers share), strongest first.
  /// Durations whose key names their unit, as custom fields of any logger
  /// are often called (a bare `duration` or `elapsed` says nothing of its
  /// unit: Python writes seconds, Go nanoseconds, JavaScript milliseconds).
  static let unitNamedDurations: [Key] = {
    let units: [(suffixes: [String], unit: ValueUnit)] = [
      (["_ms", "Ms", "_millis", "Millis", "_msec"], .milliseconds),
      (["_s", "_sec", "_secs", "_seconds", "Seconds"], .seconds),
      (["_us", "Us", "_micros", "Micros", "_usec"], .microseconds),
      (["_ns", "Ns", "_nanos", "Nanos", "_nsec"], .nanoseconds),
    ]
    let stems = ["duration", "latency", "elapsed", "took", "response_time", "request_time", "request_duration"]
    var keys: [Key] = []
    // Suffix by suffix: `duration_ms`, `latency_ms`, `elapsed_ms`, ... then
    // `durationMs`: among keys of one line, the earlier claims the field.
    for (suffixes, unit) in units {
      for suffix in suffixes {
        for stem in stems {
          // camelCase suffixes go with camelCase stems only.
          let camel = suffix.first!.isUppercase
          if camel && stem.contains("_") { continue }
          keys.append(Key([stem + suffix], .duration, unit))
        }
      }
    }
    return keys
  }()

  package static let generic: [Key] =
    [
      Key(["message"], .message), Key(["msg"], .message), Key(["text"], .message),
      Key(["level"], .level), Key(["lvl"], .level), Key(["loglevel"], .level),
      Key(["timestamp"], .timestamp), Key(["@timestamp"], .timestamp), Key(["time"], .timestamp),
      Key(["ts"], .timestamp), Key(["date"], .timestamp),
      Key(["service"], .service), Key(["app"], .service), Key(["application"], .service),
      Key(["requestId"], .requestId), Key(["request_id"], .requestId), Key(["req_id"], .requestId),
      Key(["reqId"], .requestId), Key(["trace_id"], .requestId), Key(["traceId"], .requestId),
      Key(["X-Request-ID"], .requestId), Key(["X-Request-Id"], .requestId), Key(["x-request-id"], .requestId),
      Key(["x_request_id"], .requestId), Key(["http_x_request_id"], .requestId), Key(["correlation_id"], .requestId),
      Key(["correlationId"], .requestId),
      Key(["dd.trace_id"], .requestId), Key(["dd", "trace_id"], .requestId),
      // OpenTelemetry's Python logging instrumentation, on every record.
      Key(["otelTraceID"], .requestId), Key(["otelServiceName"], .service),
      Key(["userId"], .userId), Key(["user_id"], .userId),
      Key(["action"], .action),
      // `duration_ms` first: the generated list starts with it.
    ] + unitNamedDurations + [
      Key(["responseTime"], .duration, .milliseconds), Key(["status"], .status), Key(["statusCode"], .status),
      Key(["status_code"], .status),
      Key(["method"], .method), Key(["path"], .path), Key(["url"], .path),
    ]
}
