import Hummingbird
import NIOCore

/// The `endless_error` fault: a 503 whose body has no `Content-Length` (chunked) and never
/// ends, dripping `trickle_chunk_bytes` every `trickle_delay_ms` after the start of a plausible
/// error document, the way a broken proxy or a stuck backend answers.
///
/// A client that reads error bodies to their end, or has no overall deadline per transfer,
/// waits here for as long as the simulator lives; the drip can be kept above curl's low-speed
/// limit so that only a total deadline (or an error-body cap) ends it. The body stops when the
/// client hangs up, and after ``longest`` at most, so a forgotten simulator still stops by itself.
struct EndlessErrorBody: Sendable {
    let core: SimulatorCore
    let contentType: String
    let requestID: String

    /// The safety bound on one endless body.
    static let longest: Duration = .seconds(600)

    /// The response: status, headers without a length, and the dripping body.
    func response() -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        SimulatorResponses.setOBSRequestID(requestID, in: &headers)
        let knobs = core.currentKnobs
        let chunkBytes = max(1, knobs.trickleChunkBytes)
        let pause = Duration.milliseconds(max(1, knobs.trickleDelayMilliseconds))
        let opening =
            contentType == "application/json"
            ? "{\"error_code\":\"MSS.000000002\",\"request_id\":\"\(requestID)\",\"error_msg\":\""
            : "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>ServiceUnavailable</Code><RequestId>\(requestID)</RequestId><Message>"
        return Response(
            status: .serviceUnavailable, headers: headers,
            body: ResponseBody { writer in
                let end = ContinuousClock.now + Self.longest
                // A write to a connection the client closed throws, which ends the body.
                try await writer.write(ByteBuffer(string: opening))
                let filler = ByteBuffer(repeating: UInt8(ascii: "."), count: chunkBytes)
                while ContinuousClock.now < end {
                    try await Task.sleep(for: pause)
                    try await writer.write(filler)
                }
                try await writer.finish(nil)
            })
    }
}
