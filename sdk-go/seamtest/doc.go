// Package seamtest is Seam's test kit, for a service's tests and Seam's own:
//
//   - Receiver is a real OTLP/HTTP receiver (protobuf bodies, gzip or not) on
//     a free loopback port that keeps what it is sent, and StartReceiving
//     starts Seam exporting to one;
//   - Start starts Seam against a collector that is down, with a manual
//     reader to collect metrics from, and Histogram, Sum and CheckPoint read
//     them back.
//
// Both stop what they started when the test ends.
package seamtest
