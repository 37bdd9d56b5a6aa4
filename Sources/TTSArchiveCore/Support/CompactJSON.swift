/// Works on JSON exactly as `JSONEncoder` writes it without `.prettyPrinted`: no whitespace
/// outside strings. Lets the end of a run copy records from the journal into the manifest as
/// bytes, instead of decoding each record and encoding it again (most of the end phase's CPU
/// on a night of 25,000 artifacts). `ManifestStreamingTests` holds the result byte-identical
/// to the encoder's.
enum CompactJSON {
    /// The value of the member `key` of the object `json`, or nil.
    static func member(_ key: String, of json: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard json.first == UInt8(ascii: "{") else { return nil }
        let wanted = Array(key.utf8)
        var at = json.startIndex + 1
        while at < json.endIndex, json[at] == UInt8(ascii: "\"") {
            let keyEnd = endOfString(json, at)
            let valueStart = keyEnd + 1  // past the ':'
            guard valueStart < json.endIndex else { return nil }
            let valueEnd = endOfValue(json, valueStart)
            if json[(at + 1)..<(keyEnd - 1)].elementsEqual(wanted) { return json[valueStart..<valueEnd] }
            at = valueEnd < json.endIndex && json[valueEnd] == UInt8(ascii: ",") ? valueEnd + 1 : valueEnd
        }
        return nil
    }

    /// Appends `json` as `JSONEncoder` with `.prettyPrinted` writes it (two spaces a level,
    /// `"key" : value`, an empty array or object as an opening, a blank line and its closing),
    /// with every line that is not blank indented by `base` more levels.
    static func pretty(_ json: ArraySlice<UInt8>, base: Int, into out: inout [UInt8]) {
        var level = base
        func newline() {
            out.append(0x0a)
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * 2))
        }
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * 2))
        var at = json.startIndex
        while at < json.endIndex {
            let byte = json[at]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                out.append(byte)
                let close = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if at + 1 < json.endIndex && json[at + 1] == close {
                    out.append(0x0a)
                    newline()
                    out.append(close)
                    at += 2
                    continue
                }
                level += 1
                newline()
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                level -= 1
                newline()
                out.append(byte)
            case UInt8(ascii: ","):
                out.append(byte)
                newline()
            case UInt8(ascii: ":"):
                out.append(contentsOf: [UInt8(ascii: " "), UInt8(ascii: ":"), UInt8(ascii: " ")])
            case UInt8(ascii: "\""):
                let end = endOfString(json, at)
                out.append(contentsOf: json[at..<end])
                at = end
                continue
            default:
                out.append(byte)
            }
            at += 1
        }
    }

    /// The index just past the closing quote of the string that opens at `start`.
    private static func endOfString(_ json: ArraySlice<UInt8>, _ start: Int) -> Int {
        var at = start + 1
        while at < json.endIndex {
            switch json[at] {
            case UInt8(ascii: "\\"): at += 2
            case UInt8(ascii: "\""): return at + 1
            default: at += 1
            }
        }
        return json.endIndex
    }

    /// The index just past the value that starts at `start`.
    private static func endOfValue(_ json: ArraySlice<UInt8>, _ start: Int) -> Int {
        var at = start
        var depth = 0
        while at < json.endIndex {
            switch json[at] {
            case UInt8(ascii: "\""):
                at = endOfString(json, at)
                if depth == 0 { return at }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return at }
                depth -= 1
                if depth == 0 { return at + 1 }
            case UInt8(ascii: ","):
                if depth == 0 { return at }
            default:
                break
            }
            at += 1
        }
        return at
    }
}
