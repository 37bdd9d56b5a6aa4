import Foundation
import TTSNative

/// Alibaba Cloud credentials, read as the official SDKs' default chain reads the environment.
public struct AlibabaCredentials: Sendable {
    public var accessKeyID: String
    public var accessKeySecret: String
    public var securityToken: String?

    public init(accessKeyID: String, accessKeySecret: String, securityToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.accessKeySecret = accessKeySecret
        self.securityToken = securityToken
    }

    /// `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET` (+ `ALIBABA_CLOUD_SECURITY_TOKEN`); nil when
    /// neither key is set, a configuration error when only one is.
    public static func load(environment: [String: String]) throws -> AlibabaCredentials? {
        let id = environment["ALIBABA_CLOUD_ACCESS_KEY_ID"].flatMap { $0.isEmpty ? nil : $0 }
        let secret = environment["ALIBABA_CLOUD_ACCESS_KEY_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        switch (id, secret) {
        case let (id?, secret?):
            let token = environment["ALIBABA_CLOUD_SECURITY_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            return AlibabaCredentials(accessKeyID: id, accessKeySecret: secret, securityToken: token)
        case (nil, nil):
            return nil
        case (_?, nil):
            throw TTSArchiveError(.configuration, "ALIBABA_CLOUD_ACCESS_KEY_SECRET is not set, but ALIBABA_CLOUD_ACCESS_KEY_ID is", fix: "set both, or neither")
        case (nil, _?):
            throw TTSArchiveError(.configuration, "ALIBABA_CLOUD_ACCESS_KEY_ID is not set, but ALIBABA_CLOUD_ACCESS_KEY_SECRET is", fix: "set both, or neither")
        }
    }
}

/// Alibaba Cloud ICE ListCustomizedVoiceJobs (2020-11-09), both `Type=Basic` and
/// `Type=Standard`, paged by `PageNo`/`PageSize`; each call sent as the official SDK sends it
/// (`POST /`, parameters in the query, ACS3-HMAC-SHA256). `Throttling.*` answers are retried
/// with backoff like 5xx.
public struct AlibabaICEClient: InventorySource {
    public static let action = "ListCustomizedVoiceJobs"
    public static let version = "2020-11-09"
    public static let types = ["Basic", "Standard"]

    public let endpoint: Endpoint
    public let region: String
    public let credentials: AlibabaCredentials
    public let transport: APITransport
    /// `PageSize`, 1…100.
    public let pageSize: Int
    public var cloud: InventoryCloud { .alibaba }

    /// A lister; `pageSize` is clamped to the API's 1…100.
    public init(
        endpoint: Endpoint, region: String, credentials: AlibabaCredentials, transport: APITransport,
        pageSize: Int = 100
    ) {
        self.endpoint = endpoint
        self.region = region
        self.credentials = credentials
        self.transport = transport
        self.pageSize = min(100, max(1, pageSize))
    }

    /// `https://ice.<region>.aliyuncs.com`.
    public static func endpoint(region: String) throws -> Endpoint {
        guard !region.isEmpty, region.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw TTSArchiveError(.configuration, "'\(region)' is not an Alibaba Cloud region", fix: "give a region like cn-shanghai")
        }
        return try Endpoint("https://ice.\(region).aliyuncs.com")
    }

    /// Both types, every page, until `TotalCount` records (or an empty page) per type.
    public func listInventory() async throws -> InventoryListing {
        var listing = InventoryListing(cloud: .alibaba, scope: ["region": region])
        for type in Self.types {
            var pageNo = 1, seen = 0
            while true {
                let operation = "listing Type=\(type) page \(pageNo)"
                let response = try await call(query: [
                    QueryItem("PageNo", String(pageNo)), QueryItem("PageSize", String(pageSize)), QueryItem("Type", type),
                ], operation: operation)
                listing.pages += 1
                listing.attempts += response.attempts
                let document = try Self.envelope(response, operation: operation)
                if let id = document["RequestId"]?.scalarText { listing.requestIDs.append(id) }
                // An empty page may leave the list out; anything else must be the documented array.
                let list = document["Data"]?["CustomizedVoiceJobList"]
                guard let data = document["Data"], list == nil || list?.arrayValue != nil else {
                    throw CloudAPIError(
                        cloud: .alibaba, kind: .malformedResponse, status: response.status, code: nil,
                        message: "no Data.CustomizedVoiceJobList", requestID: document["RequestId"]?.scalarText,
                        operation: operation)
                }
                let jobs = list?.arrayValue ?? []
                listing.records += jobs.map { job in
                    InventoryRecord(
                        id: job["JobId"]?.scalarText, type: job["Type"]?.scalarText ?? type,
                        state: job["Status"]?.scalarText, body: job)
                }
                seen += jobs.count
                let total = data["TotalCount"].flatMap { Int($0.scalarText ?? "") } ?? seen
                if jobs.isEmpty || seen >= total { break }
                pageNo += 1
            }
        }
        return listing
    }

    /// One signed call, retried while transient (5xx, 429, `Throttling.*`).
    func call(query: [QueryItem], operation: String) async throws -> APIResponse {
        let endpoint = self.endpoint, credentials = self.credentials
        return try await transport.send("alibaba \(operation)", make: {
            let signing = SigningRequest(
                method: "POST", scheme: endpoint.scheme, host: endpoint.hostHeader, path: "/", query: query,
                headers: [HTTPHeader("user-agent", "\(ToolInfo.name)/\(ToolInfo.version)")])
            let signer = AlibabaSigner(
                accessKeyId: credentials.accessKeyID, accessKeySecret: credentials.accessKeySecret,
                securityToken: credentials.securityToken)
            let nonce = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let signed = signer.sign(
                signing, action: Self.action, version: Self.version, date: Date(), nonce: nonce)
            return HTTPTransferRequest(
                url: signed.url(for: signing), method: "POST",
                headers: signed.fields, allowHTTP: endpoint.allowsPlainHTTP)
        }, retryable: { response in
            APITransport.isTransient(response.status)
                || CloudAPIError.isThrottling((try? RawJSON.parse(response.body))?["Code"]?.scalarText)
        })
    }

    /// The parsed body of a 2xx answer; the error envelope `{RequestId, Code, Message}` of any
    /// other becomes a ``CloudAPIError``.
    static func envelope(_ response: APIResponse, operation: String) throws -> RawJSON {
        let document = try? RawJSON.parse(response.body)
        guard (200...299).contains(response.status) else {
            let code = document?["Code"]?.scalarText
            throw CloudAPIError(
                cloud: .alibaba, kind: CloudAPIError.kind(status: response.status, code: code), status: response.status,
                code: code, message: document?["Message"]?.scalarText,
                requestID: document?["RequestId"]?.scalarText, operation: operation)
        }
        guard let document, case .object = document else {
            throw CloudAPIError(
                cloud: .alibaba, kind: .malformedResponse, status: response.status, code: nil,
                message: "the body is not a JSON object", requestID: nil, operation: operation)
        }
        return document
    }
}
