// What the logs -> traces links and Alloy's trace-id extraction agree on. Pure data.

/** How trace-id fields are spelt in log lines: OpenTelemetry, Jaeger, Zipkin, .NET, Go and Java loggers. */
export const traceIdFields = ["traceID", "traceId", "TraceId", "TraceID", "trace_id"] as const;

/** A trace id: 32 hex digits (W3C, OpenTelemetry) or 16 (64-bit Jaeger and Zipkin ids). RE2 and JavaScript alike. */
export const traceIdHex = "[0-9a-fA-F]{32}|[0-9a-fA-F]{16}";
