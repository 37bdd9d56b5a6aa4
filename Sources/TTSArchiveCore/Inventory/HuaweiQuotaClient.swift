import Foundation

/// Something that can list one cloud's voice-resource inventory in full.
public protocol InventorySource: Sendable {
    /// The cloud listed.
    var cloud: InventoryCloud { get }
    /// Every record, all pages; throws ``CloudAPIError`` (or a transport error) when it cannot.
    func listInventory() async throws -> InventoryListing
}

/// Huawei MetaStudio ShowVoiceTrainingQuotas (`GET /v1/{project_id}/voice-training-manage/quotas`),
/// paged by `offset`/`limit`, through the same signed ``MetaStudioClient`` as ShowTtsJob.
public struct HuaweiQuotaClient: InventorySource {
    public let client: MetaStudioClient
    /// `limit` per page, 1…100.
    public let pageSize: Int
    public var cloud: InventoryCloud { .huawei }

    /// A lister over `client`; `pageSize` is clamped to the API's 1…100.
    public init(client: MetaStudioClient, pageSize: Int = 100) {
        self.client = client
        self.pageSize = min(100, max(1, pageSize))
    }

    /// Pages until `offset` reaches `count` (or a page comes back empty, so a shrinking
    /// inventory cannot loop forever).
    public func listInventory() async throws -> InventoryListing {
        var listing = InventoryListing(cloud: .huawei, scope: ["project_id": client.projectID])
        var offset = 0
        while true {
            let operation = "listing voice-training quotas at offset \(offset)"
            let response: APIResponse
            do {
                response = try await client.get(
                    "/v1/\(client.projectID)/voice-training-manage/quotas",
                    query: [QueryItem("offset", String(offset)), QueryItem("limit", String(pageSize))],
                    operation: operation)
            } catch let error as MetaStudioAPIError {
                throw CloudAPIError(
                    cloud: .huawei, kind: error.isAuthentication ? .authentication : .refused, status: error.status,
                    code: error.errorCode, message: error.errorMessage, requestID: error.requestID,
                    operation: operation)
            }
            listing.pages += 1
            listing.attempts += response.attempts
            if let id = response.head.value("x-request-id") { listing.requestIDs.append(id) }
            let document = try? RawJSON.parse(response.body)
            guard let document, let resources = document["resources"]?.arrayValue ?? emptyPage(document) else {
                throw CloudAPIError(
                    cloud: .huawei, kind: .malformedResponse, status: response.status, code: nil,
                    message: "no resources array", requestID: response.head.value("x-request-id"),
                    operation: operation)
            }
            listing.summary = document["resource_available_nums"]
            listing.records += resources.map { record in
                InventoryRecord(
                    id: record["resource_id"]?.scalarText, type: record["resource_type"]?.scalarText,
                    state: record["status"]?.scalarText, body: record)
            }
            offset += resources.count
            let total = document["count"].flatMap { Int($0.scalarText ?? "") } ?? offset
            if resources.isEmpty || offset >= total { return listing }
        }
    }

    /// The API leaves `resources` out of an empty account's answer; that is an empty page.
    private func emptyPage(_ document: RawJSON) -> [RawJSON]? {
        document["count"]?.scalarText == "0" ? [] : nil
    }
}
