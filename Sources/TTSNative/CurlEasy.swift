internal import CCurl
import Foundation
import HTTPTypes

/// One libcurl easy handle and everything that must outlive it (header list, error buffer).
///
/// Confined to the engine thread once submitted; not `Sendable` on purpose. Each `setopt` kind has
/// its own typed method, and every result goes through ``CurlEasy/check(_:_:)``.
final class CurlEasy {
    let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    let errorBuffer: UnsafeMutablePointer<CChar>

    struct SetupError: Error { let option: String; let code: Int32 }

    init?() {
        guard let raw = curl_easy_init() else { return nil }
        handle = UnsafeMutableRawPointer(raw)
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(handle)
        if let headerList { curl_slist_free_all(headerList) }
        errorBuffer.deallocate()
    }

    var errorText: String { String(cString: errorBuffer) }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(SetupError) {
        guard code == CURLE_OK else { throw SetupError(option: "\(option.rawValue)", code: Int32(code.rawValue)) }
    }

    func set(_ option: CURLoption, _ value: Int) throws(SetupError) {
        try check(CCurl_easy_setopt_long(handle, option, value), option)
    }

    func set(_ option: CURLoption, _ value: Bool) throws(SetupError) {
        try set(option, value ? 1 : 0)
    }

    func set(_ option: CURLoption, _ value: String) throws(SetupError) {
        // libcurl copies string options (since 7.17), so the temporary C string may go.
        try check(value.withCString { CCurl_easy_setopt_string(handle, option, $0) }, option)
    }

    func set(_ option: CURLoption, offset value: Int64) throws(SetupError) {
        try check(CCurl_easy_setopt_off_t(handle, option, curl_off_t(value)), option)
    }

    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(SetupError) {
        try check(CCurl_easy_setopt_pointer(handle, option, value), option)
    }

    func setHeaders(_ fields: HTTPFields) throws(SetupError) {
        for field in fields {
            // `Name:` with nothing after the colon is curl's spelling of "send no such header".
            let name = field.name.rawName
            let line = field.value.isEmpty ? "\(name):" : "\(name): \(field.value)"
            headerList = curl_slist_append(headerList, line)
        }
        try check(CCurl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList), CURLOPT_HTTPHEADER)
    }

    func setCallbacks(userData: UnsafeMutableRawPointer) throws(SetupError) {
        try check(CCurl_easy_setopt_write_callback(handle, curlWriteCallback), CURLOPT_WRITEFUNCTION)
        try set(CURLOPT_WRITEDATA, pointer: userData)
        try check(CCurl_easy_setopt_header_callback(handle, curlHeaderCallback), CURLOPT_HEADERFUNCTION)
        try set(CURLOPT_HEADERDATA, pointer: userData)
        try set(CURLOPT_PRIVATE, pointer: userData)
        try set(CURLOPT_READDATA, pointer: userData)
    }

    var responseCode: Int {
        var code: Int = 0
        _ = CCurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    /// Lets a paused transfer's bytes flow again; the `CURLcode` when curl refuses.
    func unpause() -> CURLcode? {
        let code = curl_easy_pause(handle, CURLPAUSE_CONT)
        return code == CURLE_OK ? nil : code
    }

    /// Applies a request's options: method, body, protocols, TLS, timeouts, size limit.
    func configure(for request: HTTPTransferRequest, userAgent: String) throws(SetupError) {
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_NOSIGNAL, true)
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        // Only http(s), and redirects are never followed by curl: the caller decides (same
        // host:port only), so a `Location: file:///…` can never be fetched.
        try set(CURLOPT_PROTOCOLS_STR, request.allowHTTP ? "http,https" : "https")
        try set(CURLOPT_REDIR_PROTOCOLS_STR, "https")
        try set(CURLOPT_FOLLOWLOCATION, false)
        try set(CURLOPT_SSL_VERIFYPEER, request.verifyTLS)
        try set(CURLOPT_SSL_VERIFYHOST, request.verifyTLS ? 2 : 0)
        try set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        try set(CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout * 1000))
        try set(CURLOPT_LOW_SPEED_LIMIT, request.lowSpeedBytes)
        try set(CURLOPT_LOW_SPEED_TIME, request.lowSpeedSeconds)
        // A signed request carries its own User-Agent (the SDKs sign it); curl's would replace
        // nothing then, but it must not be added to one that has none either way.
        if request.headers[.userAgent] == nil {
            try set(CURLOPT_USERAGENT, userAgent)
        }
        if let max = request.maxBodyBytes { try set(CURLOPT_MAXFILESIZE_LARGE, offset: max) }
        if let from = request.rangeFrom { try set(CURLOPT_RANGE, "\(from)-") }
        if let upload = request.upload {
            // CURLOPT_UPLOAD makes it a PUT whose body the read callback supplies.
            try set(CURLOPT_UPLOAD, true)
            try set(CURLOPT_INFILESIZE_LARGE, offset: upload.length)
            try check(CCurl_easy_setopt_read_callback(handle, curlReadCallback), CURLOPT_READFUNCTION)
            try setHeaders(Self.wireHeaders(request.headers))
            return
        }
        switch request.method {
        case "GET": try set(CURLOPT_HTTPGET, true)
        case "HEAD": try set(CURLOPT_NOBODY, true)
        default:
            try set(CURLOPT_CUSTOMREQUEST, request.method)
            if !request.body.isEmpty || request.method == "POST" || request.method == "PUT" {
                try set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(request.body.count))
                // COPYPOSTFIELDS makes curl own a copy, so nothing here has to outlive the call.
                let code = request.body.withUnsafeBytes { bytes in
                    let ptr = UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(errorBuffer))
                    return CCurl_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, ptr)
                }
                try check(code, CURLOPT_COPYPOSTFIELDS)
            }
        }
        try setHeaders(Self.wireHeaders(request.headers))
    }

    /// Headers libcurl adds on its own unless told not to: `Accept: */*` on every request,
    /// `Content-Type: application/x-www-form-urlencoded` on a POST body, `Expect: 100-continue`
    /// on large uploads.
    static let curlDefaults: [HTTPField.Name] = [.accept, .contentType, .expect]

    /// The request's headers, and an empty `Name:` for each of curl's defaults the request does
    /// not set, which makes curl send none. A signature covers the headers it was given; a header
    /// added behind the signer's back is one the cloud may require signed (ACS3 refuses an
    /// unsigned `content-type`), so nothing reaches the wire that the caller did not ask for.
    static func wireHeaders(_ headers: HTTPFields) -> HTTPFields {
        var wire = headers
        for name in curlDefaults where headers[name] == nil { wire.append(HTTPField(name: name, value: "")) }
        return wire
    }
}

private func transfer(from userData: UnsafeMutableRawPointer?) -> CurlTransfer? {
    guard let userData else { return nil }
    return Unmanaged<CurlTransfer>.fromOpaque(userData).takeUnretainedValue()
}

private let curlWriteCallback: CCurl_data_callback = { data, size, count, userData in
    guard let transfer = transfer(from: userData) else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
    return transfer.onBody(bytes)
}

private let curlReadCallback: CCurl_data_callback = { data, size, count, userData in
    guard let transfer = transfer(from: userData), let data else { return CCurl_readfunc_abort() }
    return transfer.onUploadRead(UnsafeMutableRawBufferPointer(start: data, count: size * count))
}

private let curlHeaderCallback: CCurl_data_callback = { data, size, count, userData in
    guard let transfer = transfer(from: userData) else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
    transfer.onHeaderLine(bytes)
    return size * count
}
