// Package otlplog encodes Seam's own log records straight into OTLP
// protobuf (opentelemetry/proto/logs/v1/logs.proto) and assembles export
// requests around them: a record is appended to a buffer as one LogRecord
// message, and a request is the resource and scope, encoded once, around
// the records of a batch. This skips the log SDK's heap record, its copy
// into the export queue and the exporter's transform into generated
// structs, which cost more than the record's JSON line.
//
// What is encoded is what the SDK path (log.Record, sdk/log and the OTLP
// log exporters' transform) sends for the same record; the tests send the
// same records both ways to a real OTLP receiver and compare them.
package otlplog
