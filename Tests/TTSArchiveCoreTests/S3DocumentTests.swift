import Foundation
import Testing
import TTSNative
import TTSTestSupport
@testable import TTSArchiveCore

/// S3's XML bodies decoded as XML, whatever the store's formatting: entities, CDATA-free
/// pretty-printing, keys with edge spaces, the error document inside a 200.
@Suite("S3 XML documents")
struct S3DocumentTests {
    @Test func aPrettyPrintedListingPageWithEntitiesAndEdgeSpaces() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Name>bucket</Name>
              <Prefix>p/</Prefix>
              <IsTruncated>true</IsTruncated>
              <NextContinuationToken>tok&amp;en/+=</NextContinuationToken>
              <Contents>
                <Key>p/a&amp;b&lt;c&#x41;&#66;.json</Key>
                <Size>12</Size>
                <Owner><ID>someone</ID></Owner>
              </Contents>
              <Contents><Key>p/ends with a space </Key><Size>3000000000</Size></Contents>
            </ListBucketResult>
            """
        let page = try #require(S3Document.decode(S3Document.ListBucketResult.self, from: Array(xml.utf8)))
        #expect(page.contents?.map(\.key) == ["p/a&b<cAB.json", "p/ends with a space "])
        #expect(page.contents?.map(\.size) == [12, 3_000_000_000])
        #expect(page.isTruncated == true)
        #expect(page.nextContinuationToken == "tok&en/+=")
    }

    @Test func anEmptyLastPage() throws {
        let xml = "<ListBucketResult><Name>b</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>"
        let page = try #require(S3Document.decode(S3Document.ListBucketResult.self, from: Array(xml.utf8)))
        #expect(page.contents == nil || page.contents?.isEmpty == true)
        #expect(page.isTruncated == false)
    }

    @Test func errorDocumentsAndTheirAbsence() {
        let error = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>SignatureDoesNotMatch</Code><Message>The request signature &quot;we&quot; calculated does not match</Message>
            <RequestId>4442587FB7D0A2F9</RequestId></Error>
            """
        let body = S3Document.decode(S3Document.ErrorBody.self, from: Array(error.utf8))
        #expect(body?.code == "SignatureDoesNotMatch")
        #expect(body?.message == "The request signature \"we\" calculated does not match")
        #expect(body?.requestID == "4442587FB7D0A2F9")
        let classified = S3Error.from(status: 403, body: Array(error.utf8), operation: "GET s3://b/k")
        #expect(classified.code == .authentication && classified.s3Code == "SignatureDoesNotMatch")
        #expect(classified.detail.contains("request id 4442587FB7D0A2F9"))
        // A copy's success document, an empty body and plain text carry no error code.
        #expect(S3Document.errorCode(Array("<CopyObjectResult><ETag>\"x\"</ETag></CopyObjectResult>".utf8)) == nil)
        #expect(S3Document.errorCode([]) == nil)
        #expect(S3Document.errorCode(Array("Service Unavailable".utf8)) == nil)
    }

    @Test func multipartResults() {
        let initiated = "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>VXBsb2FkIElE&amp;1</UploadId></InitiateMultipartUploadResult>"
        #expect(S3Document.decode(S3Document.InitiateMultipartUploadResult.self, from: Array(initiated.utf8))?.uploadID == "VXBsb2FkIElE&1")
        let completed = "<CompleteMultipartUploadResult><Location>l</Location><ETag>&quot;3858f62230ac3c915f300c664312c11f-9&quot;</ETag></CompleteMultipartUploadResult>"
        #expect(S3Document.decode(S3Document.CompleteMultipartUploadResult.self, from: Array(completed.utf8))?.eTag
            == "\"3858f62230ac3c915f300c664312c11f-9\"")
    }

    @Test func theCompletionRequestNamesEveryPartInOrderWithQuotedETags() throws {
        let body = try S3Document.CompleteMultipartUpload(etags: ["aa", "bb"]).encoded()
        #expect(String(decoding: body, as: UTF8.self) == "<CompleteMultipartUpload>"
            + "<Part><PartNumber>1</PartNumber><ETag>&quot;aa&quot;</ETag></Part>"
            + "<Part><PartNumber>2</PartNumber><ETag>&quot;bb&quot;</ETag></Part></CompleteMultipartUpload>")
    }

    @Test("a listing longer than a page follows the store's continuation tokens (SeaweedFS)")
    func pagedListingAgainstARealStore() async throws {
        let seaweed = try await SeaweedFS.shared()
        let engine = HTTPEngine(maxTotal: 4, maxPerHost: 4)
        defer { engine.shutdown() }
        let client = try seaweed.client(engine: engine)
        let root = seaweed.freshLocation("paging")
        // Names XML must escape, and one ending in a space.
        let names = ["a&b.json", "c<d>.json", "e f .json", "g'h\".json", "plain.json"]
        for (index, name) in names.enumerated() {
            _ = try await client.put(
                bucket: root.bucket, key: root.key(name), body: Array(repeating: UInt8(index), count: index + 1),
                contentType: "application/json", ifAbsent: true)
        }
        let listed = try await client.list(bucket: root.bucket, prefix: root.key(""), pageSize: 2)
        #expect(listed.map(\.key) == names.sorted().map(root.key))
        #expect(listed.map(\.size) == names.sorted().map { Int64(names.firstIndex(of: $0)! + 1) })
    }
}
