import Foundation
import Logging
import Testing

@testable import TTSArchiveCore

@Suite("Inventory snapshots: canonical JSON, counts, manifest decisions")
struct InventorySnapshotTests {
    private func record(_ json: String, id: String?, type: String? = nil, state: String? = nil) throws -> InventoryRecord {
        InventoryRecord(id: id, type: type, state: state, body: try RawJSON.parse(Array(json.utf8)))
    }

    @Test("canonical JSON sorts keys by bytes, keeps types, escapes minimally")
    func canonicalJSON() throws {
        let a = try RawJSON.parse(Array(#"{"b":1,"a":[true,null,1.5,"x\"y\n"],"B":{"z":0,"y":-2}}"#.utf8))
        let b = try RawJSON.parse(Array(#"{ "B" : {"y":-2, "z":0}, "a":[true, null, 1.5, "x\"y\n"], "b":1 }"#.utf8))
        let text = String(decoding: a.bytes, as: UTF8.self)
        #expect(text == #"{"B":{"y":-2,"z":0},"a":[true,null,1.5,"x\"y\n"],"b":1}"#)
        #expect(a.bytes == b.bytes)
        #expect(try RawJSON.parse(a.bytes) == a)
        #expect(String(decoding: RawJSON.string("\u{01}é").bytes, as: UTF8.self) == "\"\\u0001é\"")
    }

    @Test("a snapshot does not depend on record order or key order")
    func snapshotIsOrderFree() throws {
        let first = try [
            record(#"{"JobId":"b","Status":"Success","Type":"Basic"}"#, id: "b", type: "Basic", state: "Success"),
            record(#"{"JobId":"a","Status":"Fail","Type":"Standard"}"#, id: "a", type: "Standard", state: "Fail"),
            record(#"{"Name":"no id"}"#, id: nil),
        ]
        let second = try [
            first[2], record(#"{"Type":"Standard","Status":"Fail","JobId":"a"}"#, id: "a", type: "Standard", state: "Fail"),
            first[0],
        ]
        let one = InventorySnapshot(InventoryListing(cloud: .alibaba, scope: ["region": "cn-shanghai"], records: first, requestIDs: ["r1"]))
        let two = InventorySnapshot(InventoryListing(cloud: .alibaba, scope: ["region": "cn-shanghai"], records: second, requestIDs: ["r2", "r3"]))
        #expect(one.bytes == two.bytes)
        #expect(one.records.map(\.id) == [nil, "a", "b"])
        #expect(one.countsByState == ["Success": 1, "Fail": 1, "unknown": 1])
        #expect(one.countsByType == ["Basic": 1, "Standard": 1, "unknown": 1])
        #expect(one.recordsWithoutID == 1)
        let text = String(decoding: one.bytes, as: UTF8.self)
        #expect(!text.contains("r1"), "request ids are volatile and stay out of the snapshot")
        #expect(text.hasPrefix(#"{"api":"ICE ListCustomizedVoiceJobs 2020-11-09","cloud":"alibaba","#))
        #expect(text.hasSuffix("\n"))
        let other = InventorySnapshot(InventoryListing(cloud: .alibaba, scope: ["region": "cn-beijing"], records: first))
        #expect(other.bytes != one.bytes, "the scope is part of what was snapshotted")
    }

    @Test("cross-reference counts distinct asset ids and lists the unmatched and the orphans, sorted")
    func crossReference() throws {
        let resources = try [
            record(#"{"resource_id":"r1","asset_id":"A"}"#, id: "r1"), record(#"{"resource_id":"r2"}"#, id: "r2"),
            record(#"{"resource_id":"r3","asset_id":"C"}"#, id: "r3"),
        ]
        let cross = InventoryCrossReference.match(
            archived: ["A", "Z", "A", "B"], resources: resources, runManifest: nil, manifestsRead: 2)
        #expect(cross.jobsWithAssetID == 4)
        #expect(cross.assetIDs == 3)
        #expect(cross.matched == 1)
        #expect(cross.unmatched == 2)
        #expect(cross.unmatchedAssetIDs == ["B", "Z"])
        #expect(cross.orphans == 1)
        #expect(cross.orphanAssetIDs == ["C"])
    }

    @Test("exit code: 0 all ok, 1 some failed, 3 only when every cloud failed on authentication")
    func exitCodes() {
        let ok = CloudInventoryEntry(
            status: "ok", api: "x", object: nil, objectPath: nil, objectNew: true, size: 1, recordCount: 1,
            recordsWithoutID: 0, countsByState: [:], countsByType: [:], requestIDs: [], pages: 1, attempts: 1, error: nil)
        let auth = CloudInventoryEntry.failed(
            .alibaba, CloudAPIError(cloud: .alibaba, kind: .authentication, status: 400, code: "SignatureDoesNotMatch", message: nil, requestID: "q", operation: "op"))
        let refused = CloudInventoryEntry.failed(
            .volcengine, CloudAPIError(cloud: .volcengine, kind: .refused, status: 500, code: "InternalError", message: nil, requestID: nil, operation: "op"))
        func manifest(_ clouds: [String: CloudInventoryEntry]) -> InventoryManifest {
            InventoryManifest(inventoryID: "i", takenAt: "t", finishedAt: "t", tool: [:], clouds: clouds)
        }
        #expect(manifest(["huawei": ok, "alibaba": ok]).exitCode == 0)
        #expect(manifest(["huawei": ok, "alibaba": auth]).exitCode == 1)
        #expect(manifest(["alibaba": auth, "volcengine": refused]).exitCode == 1)
        #expect(manifest(["alibaba": auth, "volcengine": auth]).exitCode == 3)
        #expect(auth.error?.code == "SignatureDoesNotMatch")
        #expect(auth.error?.message.contains("ALIBABA_CLOUD_ACCESS_KEY_ID") == true)
    }

    @Test("error classification: auth codes, throttling codes")
    func classification() {
        #expect(CloudAPIError.kind(status: 400, code: "SignatureDoesNotMatch") == .authentication)
        #expect(CloudAPIError.kind(status: 404, code: "InvalidAccessKeyId.NotFound") == .authentication)
        #expect(CloudAPIError.kind(status: 401, code: nil) == .authentication)
        #expect(CloudAPIError.kind(status: 400, code: "InvalidParameter") == .refused)
        #expect(CloudAPIError.isThrottling("Throttling.User"))
        #expect(CloudAPIError.isThrottling("Throttling"))
        #expect(!CloudAPIError.isThrottling("InvalidParameter"))
        #expect(!CloudAPIError.isThrottling(nil))
    }

    @Test("inventory manifest names sort by time and never collide")
    func manifestNames() throws {
        let dir = TestDirectory("inv-names")
        let runner = InventoryRunner(
            store: try LocalObjectStore(root: dir.sub("archive"), create: true),
            manifests: try ManifestDirectory(path: dir.sub("manifests")), logger: Logger(label: "test"))
        let date = Date(timeIntervalSince1970: 1_749_466_087.25)
        let (first, none) = try runner.nextManifestName(at: date)
        #expect(first == "inventory-20250609T104807.250Z.json")
        #expect(none == nil)
        try Array("{}\n".utf8).withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: dir.sub("manifests/" + first))) }
        let (second, link) = try runner.nextManifestName(at: date)
        #expect(second == "inventory-20250609T104807.251Z.json")
        #expect(link?.file == first)
        #expect(link?.sha256 == "ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356")
    }
}
