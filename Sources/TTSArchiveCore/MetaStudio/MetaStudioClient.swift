import Foundation
import Logging
import TTSNative

/// The filters of ShowTtsJob (`GET /v1/{project_id}/ttsc/tts-jobs`), all optional.
public struct TtsJobQuery: Sendable, Hashable {
    public var limit: Int?
    public var offset: Int?
    public var createSince: String?
    public var createUntil: String?
    public var jobID: String?
    public var jobType: String?
    public var ttsServiceEnum: String?
    public var businessType: String?

    public init(limit: Int? = nil, offset: Int? = nil, createSince: String? = nil, createUntil: String? = nil,
                jobID: String? = nil, jobType: String? = nil, ttsServiceEnum: String? = nil, businessType: String? = nil) {
        self.limit = limit
        self.offset = offset
        self.createSince = createSince
        self.createUntil = createUntil
        self.jobID = jobID
        self.jobType = jobType
        self.ttsServiceEnum = ttsServiceEnum
        self.businessType = businessType
    }

    var items: [QueryItem] {
        var items: [QueryItem] = []
        if let limit { items.append(QueryItem("limit", String(limit))) }
        if let offset { items.append(QueryItem("offset", String(offset))) }
        if let createSince { items.append(QueryItem("create_since", createSince)) }
        if let createUntil { items.append(QueryItem("create_until", createUntil)) }
        if let jobID { items.append(QueryItem("job_id", jobID)) }
        if let jobType { items.append(QueryItem("job_type", jobType)) }
        if let ttsServiceEnum { items.append(QueryItem("tts_service_enum", ttsServiceEnum)) }
        if let businessType { items.append(QueryItem("business_type", businessType)) }
        return items
    }
}

/// Talks to MetaStudio exactly as the official SDK does: same signature, same wire query.
public struct MetaStudioClient: Sendable {
    public let endpoint: Endpoint
    public let projectID: String
    public let credentials: HuaweiCredentials
    public let transport: APITransport

    public init(endpoint: Endpoint, projectID: String, credentials: HuaweiCredentials, transport: APITransport) {
        self.endpoint = endpoint
        self.projectID = projectID
        self.credentials = credentials
        self.transport = transport
    }

    /// One page of ShowTtsJob. Bad records are skipped and listed in the page.
    /// A page that is not the documented envelope is read again (a proxy or a server in
    /// trouble can cut or garble a body) before the listing gives up on it.
    public func listJobs(_ query: TtsJobQuery) async throws -> TtsJobPage {
        let offset = query.offset ?? 0
        let operation = "listing tts-jobs at offset \(offset)"
        var generator = SystemRandomNumberGenerator()
        var attempt = 1
        while true {
            let response = try await get("/v1/\(projectID)/ttsc/tts-jobs", query: query.items, operation: operation)
            let decoded = Result { () throws(TtsJobPageDecoder.PageError) -> TtsJobPage in
                try TtsJobPageDecoder.decode(response.body, offset: offset)
            }
            switch decoded {
            case .success(var page):
                page.requestID = page.requestID ?? response.head.value("x-request-id")
                return page
            case .failure(let error):
                guard transport.policy.allowsRetry(afterAttempts: attempt) else { throw error }
                transport.logger.debug("\(operation): \(error); reading the page again")
                let delay = transport.policy.delay(afterAttempt: attempt, retryAfter: nil, using: &generator)
                try await Task.sleep(for: delay)
                attempt += 1
            }
        }
    }

    /// The job with that id, with fresh download links; nil when the API does not know it.
    public func job(_ jobID: String) async throws -> TtsJob? {
        let page = try await listJobs(TtsJobQuery(limit: 10, offset: 0, jobID: jobID))
        return page.jobs.first { $0.jobID == jobID }
    }

    /// A signed GET; non-2xx answers become ``MetaStudioAPIError``.
    public func get(_ path: String, query: [QueryItem], operation: String) async throws -> APIResponse {
        let endpoint = self.endpoint, projectID = self.projectID, credentials = self.credentials
        let response = try await transport.send(operation) {
            var signing = SigningRequest(
                method: "GET", scheme: endpoint.scheme, host: endpoint.hostHeader, path: path, query: query,
                // The SDK sends and signs its User-Agent; so does this, so curl adds none of its own.
                headers: [HTTPHeader("User-Agent", "\(ToolInfo.name)/\(ToolInfo.version)"), HTTPHeader("X-Project-Id", projectID)])
            let signed: SignedRequest
            switch credentials {
            case .accessKey(let id, let secret):
                signed = HuaweiSigner(accessKey: id, secretKey: secret).sign(signing, date: Date())
            case .token(let token):
                signing.headers.append(HTTPHeader("Content-Type", "application/json"))
                signed = SignedRequest(
                    headers: signing.headers + [HTTPHeader("X-Auth-Token", token)],
                    wireQuery: HuaweiSigner.canonicalQuery(query), wirePath: HuaweiSigner.encodedPath(path))
            }
            return HTTPTransferRequest(
                url: signed.url(for: signing), headers: signed.fields,
                allowHTTP: endpoint.allowsPlainHTTP)
        }
        guard (200...299).contains(response.status) else {
            throw Self.apiError(response, operation: operation)
        }
        return response
    }

    static func apiError(_ response: APIResponse, operation: String) -> MetaStudioAPIError {
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
        return MetaStudioAPIError(
            status: response.status, errorCode: object?["error_code"] as? String,
            errorMessage: (object?["error_msg"] as? String).map { String($0.prefix(300)) },
            requestID: object?["request_id"] as? String ?? response.head.value("x-request-id"), operation: operation)
    }
}
