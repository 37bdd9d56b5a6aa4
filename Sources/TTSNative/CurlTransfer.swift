internal import CCurl
import Foundation
import HTTPTypes

/// One transfer in flight: the easy handle, the sink, the collected response head and the
/// continuation that answers the caller. Lives on the engine thread only.
final class CurlTransfer {
    let id: UInt64
    let easy: CurlEasy
    let url: String
    let sink: any HTTPBodySink
    private var continuation: CheckedContinuation<HTTPTransferResult, any Error>?
    private var fields = HTTPFields()
    private var headDelivered = false
    private var headRefused = false
    private var bodyBytes: Int64 = 0
    /// The file region being uploaded, and how much of it curl has taken.
    private let upload: HTTPUploadRegion?
    private var uploaded: Int64 = 0

    init(id: UInt64, easy: CurlEasy, url: String, sink: any HTTPBodySink, upload: HTTPUploadRegion? = nil,
         continuation: CheckedContinuation<HTTPTransferResult, any Error>) {
        self.upload = upload
        self.id = id
        self.easy = easy
        self.url = url
        self.sink = sink
        self.continuation = continuation
    }

    /// A header line, including the status line of each response (1xx, redirects, final).
    func onHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        // Byte-level, not Foundation's trimmingCharacters: this runs for every header of every
        // transfer on the engine thread, and on a night of small files it showed in profiles.
        guard let line = Self.trimmed(bytes, 0, bytes.count) else { return }
        if line.count >= 5 && bytes[line.lowerBound] == UInt8(ascii: "H") && bytes[line.lowerBound..<line.lowerBound + 5].elementsEqual("HTTP/".utf8) {
            fields.removeAll(keepingCapacity: true)
            return
        }
        guard let colon = bytes[line].firstIndex(of: UInt8(ascii: ":")) else { return }
        // A line whose name is not an HTTP token is not a header field: dropped, as curl's
        // own parsing would leave it unusable.
        guard let name = HTTPField.Name(String(decoding: bytes[line.lowerBound..<colon], as: UTF8.self)) else { return }
        let value = Self.trimmed(bytes, colon + 1, line.upperBound).map { bytes[$0] } ?? bytes[0..<0]
        fields.append(HTTPField(name: name, lenientValue: value))
    }

    /// `lower..<upper` without leading and trailing spaces, tabs, CRs and LFs; nil if empty.
    private static func trimmed(_ bytes: UnsafeRawBufferPointer, _ lower: Int, _ upper: Int) -> Range<Int>? {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        var start = lower, end = upper
        while start < end && isSpace(bytes[start]) { start += 1 }
        while end > start && isSpace(bytes[end - 1]) { end -= 1 }
        return start < end ? start..<end : nil
    }

    private var head: HTTPResponseHead { HTTPResponseHead(status: easy.responseCode, headers: fields) }

    private func deliverHeadIfNeeded() -> Bool {
        if !headDelivered {
            headDelivered = true
            headRefused = !sink.receiveHead(head)
        }
        return !headRefused
    }

    /// Fills curl's upload buffer from the file region (pread: the position is ours); 0 at its
    /// end, abort on a read error or a region that ends early. A pread of a local file is
    /// as short as the read a blocking write callback would do: the engine thread waits on
    /// the disk, never on the network.
    func onUploadRead(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let upload else { return CCurl_readfunc_abort() }
        let wanted = Int(min(Int64(buffer.count), upload.length - uploaded))
        guard wanted > 0 else { return 0 }
        while true {
            let n = pread(upload.fileDescriptor, buffer.baseAddress!, wanted, off_t(upload.offset + uploaded))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return CCurl_readfunc_abort() }
            uploaded += Int64(n)
            return n
        }
    }

    /// Body bytes; returns what curl expects from a write callback.
    func onBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard deliverHeadIfNeeded() else { return 0 }
        switch sink.receive(bytes) {
        case .accepted:
            bodyBytes += Int64(bytes.count)
            return bytes.count
        case .pause:
            return CCurl_writefunc_pause()
        case .abort:
            return 0
        }
    }

    /// The transfer ended with `code`; answers the caller exactly once.
    func complete(_ code: CURLcode) {
        guard let continuation else { return }
        self.continuation = nil
        let status = easy.responseCode
        if code == CURLE_OK {
            _ = deliverHeadIfNeeded()
            continuation.resume(returning: HTTPTransferResult(head: head, bodyBytes: bodyBytes, transportError: nil))
            return
        }
        var error = HTTPTransportError.from(code, url: url, errorBuffer: easy.errorText)
        if headRefused {
            error = HTTPTransportError(reason: .abortedBySink, redactedURL: error.redactedURL, curlCode: error.curlCode)
        }
        if status > 0 {
            continuation.resume(returning: HTTPTransferResult(head: head, bodyBytes: bodyBytes, transportError: error))
        } else {
            continuation.resume(throwing: error)
        }
    }

    /// Ends the transfer without an answer from the server (cancellation, shutdown, bad setup).
    func fail(_ error: HTTPTransportError) {
        guard let continuation else { return }
        self.continuation = nil
        continuation.resume(throwing: error)
    }
}
