import Foundation
import TTSNative

/// Volcengine credentials from `VOLC_ACCESSKEY` / `VOLC_SECRETKEY`, as the `volcengine` SDK reads them.
public struct VolcengineCredentials: Sendable {
    public var accessKey: String
    public var secretKey: String

    public init(accessKey: String, secretKey: String) {
        self.accessKey = accessKey
        self.secretKey = secretKey
    }

    /// Nil when neither variable is set; a configuration error when only one is.
    public static func load(environment: [String: String]) throws -> VolcengineCredentials? {
        let ak = environment["VOLC_ACCESSKEY"].flatMap { $0.isEmpty ? nil : $0 }
        let sk = environment["VOLC_SECRETKEY"].flatMap { $0.isEmpty ? nil : $0 }
        switch (ak, sk) {
        case let (ak?, sk?): return VolcengineCredentials(accessKey: ak, secretKey: sk)
        case (nil, nil): return nil
        case (_?, nil): throw TTSArchiveError(.configuration, "VOLC_SECRETKEY is not set, but VOLC_ACCESSKEY is", fix: "set both, or neither")
        case (nil, _?): throw TTSArchiveError(.configuration, "VOLC_ACCESSKEY is not set, but VOLC_SECRETKEY is", fix: "set both, or neither")
        }
    }
}

/// Volcengine VMS QueryUsableResourceV2 (`GET /?Action=QueryUsableResourceV2&Version=2022-01-01&Type=…`)
/// for all three resource types, signed as the `volcengine` SDK signs it (service `vms`, the
/// region a setting). The API returns every record of a type in one answer. `Throttling` and
/// 5xx are retried; `SignatureNotMatch`, `InvalidAccessKeyId` and `AccessDenied` are
/// authentication failures.
public struct VolcengineVMSClient: InventorySource {
    public static let action = "QueryUsableResourceV2"
    public static let version = "2022-01-01"
    /// 0 voice-notification files, 1 TTS templates, 2 voice-interaction files.
    public static let types = ["0", "1", "2"]
    /// The VMS API host the SDK and the API page use.
    public static let defaultEndpoint = "https://cloud-vms.volcengineapi.com"
    /// The SDK's VMS region (the API page signs for `cn-beijing`).
    public static let defaultRegion = "cn-north-1"

    public let endpoint: Endpoint
    public let region: String
    public let credentials: VolcengineCredentials
    public let transport: APITransport
    public var cloud: InventoryCloud { .volcengine }

    public init(endpoint: Endpoint, region: String, credentials: VolcengineCredentials, transport: APITransport) {
        self.endpoint = endpoint
        self.region = region
        self.credentials = credentials
        self.transport = transport
    }

    /// One call per type.
    public func listInventory() async throws -> InventoryListing {
        var listing = InventoryListing(cloud: .volcengine, scope: ["region": region])
        for type in Self.types {
            let operation = "listing Type=\(type)"
            let response = try await call(type: type, operation: operation)
            listing.pages += 1
            listing.attempts += response.attempts
            let document = try Self.envelope(response, operation: operation)
            if let id = document["ResponseMetadata"]?["RequestId"]?.scalarText { listing.requestIDs.append(id) }
            let records = document["Result"]?["Records"]
            guard document["Result"] != nil, records == nil || records?.arrayValue != nil else {
                throw CloudAPIError(
                    cloud: .volcengine, kind: .malformedResponse, status: response.status, code: nil,
                    message: "no Result.Records", requestID: document["ResponseMetadata"]?["RequestId"]?.scalarText,
                    operation: operation)
            }
            listing.records += (records?.arrayValue ?? []).map { record in
                InventoryRecord(
                    id: record["ResourceKey"]?.scalarText, type: type, state: record["State"]?.scalarText, body: record)
            }
        }
        return listing
    }

    private func call(type: String, operation: String) async throws -> APIResponse {
        let endpoint = self.endpoint, credentials = self.credentials, region = self.region
        return try await transport.send("volcengine \(operation)", make: {
            // Header names spelt as the SDK spells them: its signer only signs `Host`,
            // `Content-Type`, `Content-Md5` and `X-…` in exactly that case.
            let signing = SigningRequest(
                method: "GET", scheme: endpoint.scheme, host: endpoint.hostHeader, path: "/",
                query: [QueryItem("Action", Self.action), QueryItem("Version", Self.version), QueryItem("Type", type)],
                headers: [
                    HTTPHeader("Accept", "application/json"),
                    HTTPHeader("User-Agent", "\(ToolInfo.name)/\(ToolInfo.version)"),
                ])
            let signed = VolcengineSigner(
                accessKey: credentials.accessKey, secretKey: credentials.secretKey, region: region, service: "vms"
            ).sign(signing, date: Date())
            return HTTPTransferRequest(
                url: signed.url(for: signing), headers: signed.fields,
                allowHTTP: endpoint.allowsPlainHTTP)
        }, retryable: { response in
            APITransport.isTransient(response.status)
                || CloudAPIError.isThrottling(Self.errorFields(try? RawJSON.parse(response.body)).code)
        })
    }

    /// `ResponseMetadata.Error.{Code, Message}` of an answer.
    static func errorFields(_ document: RawJSON?) -> (code: String?, message: String?) {
        let error = document?["ResponseMetadata"]?["Error"]
        return (error?["Code"]?.scalarText, error?["Message"]?.scalarText)
    }

    /// The parsed body; an error envelope (any status, as the gateway may send 200 with
    /// `ResponseMetadata.Error`) becomes a ``CloudAPIError``.
    static func envelope(_ response: APIResponse, operation: String) throws -> RawJSON {
        let document = try? RawJSON.parse(response.body)
        let (code, message) = errorFields(document)
        guard (200...299).contains(response.status), code == nil else {
            throw CloudAPIError(
                cloud: .volcengine, kind: CloudAPIError.kind(status: response.status, code: code), status: response.status,
                code: code, message: message, requestID: document?["ResponseMetadata"]?["RequestId"]?.scalarText,
                operation: operation)
        }
        guard let document, case .object = document else {
            throw CloudAPIError(
                cloud: .volcengine, kind: .malformedResponse, status: response.status, code: nil,
                message: "the body is not a JSON object", requestID: nil, operation: operation)
        }
        return document
    }
}
