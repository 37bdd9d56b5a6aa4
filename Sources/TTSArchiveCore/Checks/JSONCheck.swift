/// A streaming JSON well-formedness check (RFC 8259): a push-down automaton fed byte by byte.
///
/// It holds no document, only a stack of open containers, so a 100 MiB timestamp file costs
/// no more memory than a small one, and there is no recursion for hostile nesting to overflow;
/// nesting deeper than ``maxDepth`` fails cleanly. Strings must be UTF-8 (no overlong forms, no
/// surrogates, nothing above U+10FFFF). A leading UTF-8 byte order mark is tolerated, as
/// RFC 8259 §8.1 allows a parser to.
struct JSONCheck: Sendable {
    private enum State: Sendable, Equatable {
        /// A value must come (top level, after `:`, after `,` in an array).
        case value
        /// Just after `[`: a value or `]`.
        case valueOrArrayEnd
        /// Just after `{`: a key or `}`.
        case keyOrObjectEnd
        /// After `,` in an object: a key.
        case key
        /// After a key: `:`.
        case colon
        /// After a value: `,`, a closer, or (at top level) only white space.
        case afterValue
        case string(isKey: Bool)
        case escape(isKey: Bool)
        case unicodeEscape(isKey: Bool, remaining: Int)
        case number(NumberPart)
        case literal(bytes: [UInt8], matched: Int)
    }

    /// Where a number's scan stands; the names say what was read last.
    private enum NumberPart: Sendable, Equatable {
        case minus, zero, integer, dot, fraction, exponentMark, exponentSign, exponent

        /// True when the number may end here.
        var isComplete: Bool { self == .zero || self == .integer || self == .fraction || self == .exponent }
    }

    /// How deep arrays and objects may nest.
    let maxDepth: Int

    private var state = State.value
    /// Open containers, innermost last: true for an object, false for an array.
    private var stack: [Bool] = []
    private var offset: Int64 = 0
    private var bomMatched = 0
    /// Continuation bytes still owed by the current UTF-8 sequence, and the range the next one
    /// must fall in (narrower than 0x80…0xBF right after some lead bytes).
    private var utf8Owed = 0
    private var utf8Next: ClosedRange<UInt8> = 0x80...0xBF
    private var failure: ArtifactCheckFailure?

    init(maxDepth: Int = 512) {
        self.maxDepth = maxDepth
    }

    /// Feeds the next bytes of the text.
    mutating func consume(_ chunk: UnsafeRawBufferPointer) {
        for byte in chunk {
            guard failure == nil else { return }
            if offset < 3, offset == Int64(bomMatched) {
                let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
                if byte == bom[Int(offset)] {
                    bomMatched += 1
                    offset += 1
                    continue
                }
                guard bomMatched == 0 else {
                    failure = .jsonInvalid(offset: 0, problem: .unexpectedByte(bom[0]))
                    return
                }
            }
            step(byte)
            offset += 1
        }
    }

    /// Judges the text once all bytes have been fed.
    func finish() -> ArtifactVerdict {
        var verdict = ArtifactVerdict()
        if let failure {
            verdict.recordFailure(failure)
        } else if offset == Int64(bomMatched) {
            verdict.recordFailure(.empty)
        } else if stack.isEmpty, state == .afterValue || isCompleteNumber {
            verdict.record(.jsonParses)
        } else {
            verdict.recordFailure(.jsonInvalid(offset: offset, problem: .unexpectedEnd))
        }
        return verdict
    }

    private var isCompleteNumber: Bool {
        if case .number(let part) = state { return part.isComplete }
        return false
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private mutating func step(_ byte: UInt8) {
        switch state {
        case .value, .valueOrArrayEnd:
            if Self.isWhitespace(byte) { return }
            if byte == UInt8(ascii: "]"), state == .valueOrArrayEnd { return close(byte) }
            startValue(byte)
        case .keyOrObjectEnd, .key:
            if Self.isWhitespace(byte) { return }
            if byte == UInt8(ascii: "}"), state == .keyOrObjectEnd { return close(byte) }
            guard byte == UInt8(ascii: "\"") else { return unexpected(byte) }
            state = .string(isKey: true)
        case .colon:
            if Self.isWhitespace(byte) { return }
            guard byte == UInt8(ascii: ":") else { return unexpected(byte) }
            state = .value
        case .afterValue:
            if Self.isWhitespace(byte) { return }
            guard let isObject = stack.last else { return unexpected(byte) }
            switch byte {
            case UInt8(ascii: ","): state = isObject ? .key : .value
            case UInt8(ascii: "}") where isObject, UInt8(ascii: "]") where !isObject: close(byte)
            default: unexpected(byte)
            }
        case .string(let isKey):
            stringByte(byte, isKey: isKey)
        case .escape(let isKey):
            switch byte {
            case UInt8(ascii: "u"): state = .unicodeEscape(isKey: isKey, remaining: 4)
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                state = .string(isKey: isKey)
            default: unexpected(byte)
            }
        case .unicodeEscape(let isKey, let remaining):
            guard Self.isHexDigit(byte) else { return unexpected(byte) }
            state = remaining == 1 ? .string(isKey: isKey) : .unicodeEscape(isKey: isKey, remaining: remaining - 1)
        case .number(let part):
            numberByte(byte, part: part)
        case .literal(let bytes, let matched):
            guard byte == bytes[matched] else { return unexpected(byte) }
            state = matched + 1 == bytes.count ? .afterValue : .literal(bytes: bytes, matched: matched + 1)
        }
    }

    private mutating func startValue(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard stack.count < maxDepth else {
                failure = .jsonInvalid(offset: offset, problem: .nestingTooDeep(limit: maxDepth))
                return
            }
            stack.append(byte == UInt8(ascii: "{"))
            state = byte == UInt8(ascii: "{") ? .keyOrObjectEnd : .valueOrArrayEnd
        case UInt8(ascii: "\""): state = .string(isKey: false)
        case UInt8(ascii: "-"): state = .number(.minus)
        case UInt8(ascii: "0"): state = .number(.zero)
        case UInt8(ascii: "1")...UInt8(ascii: "9"): state = .number(.integer)
        case UInt8(ascii: "t"): state = .literal(bytes: Array("true".utf8), matched: 1)
        case UInt8(ascii: "f"): state = .literal(bytes: Array("false".utf8), matched: 1)
        case UInt8(ascii: "n"): state = .literal(bytes: Array("null".utf8), matched: 1)
        default: unexpected(byte)
        }
    }

    private mutating func close(_: UInt8) {
        stack.removeLast()
        state = .afterValue
    }

    private mutating func stringByte(_ byte: UInt8, isKey: Bool) {
        if utf8Owed > 0 {
            guard utf8Next.contains(byte) else { return invalidUTF8() }
            utf8Owed -= 1
            utf8Next = 0x80...0xBF
            return
        }
        switch byte {
        case UInt8(ascii: "\""): state = isKey ? .colon : .afterValue
        case UInt8(ascii: "\\"): state = .escape(isKey: isKey)
        case 0x00..<0x20: unexpected(byte)
        case 0x20..<0x80: return
        // Lead bytes (Unicode Table 3-7): the first continuation is narrowed to rule out
        // overlong forms (E0, F0), UTF-16 surrogates (ED) and code points past U+10FFFF (F4).
        case 0xC2...0xDF: utf8Owed = 1
        case 0xE0: (utf8Owed, utf8Next) = (2, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: utf8Owed = 2
        case 0xED: (utf8Owed, utf8Next) = (2, 0x80...0x9F)
        case 0xF0: (utf8Owed, utf8Next) = (3, 0x90...0xBF)
        case 0xF1...0xF3: utf8Owed = 3
        case 0xF4: (utf8Owed, utf8Next) = (3, 0x80...0x8F)
        default: invalidUTF8()
        }
    }

    private mutating func numberByte(_ byte: UInt8, part: NumberPart) {
        let isDigit = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        let next: NumberPart?
        switch (part, byte) {
        case (.minus, UInt8(ascii: "0")): next = .zero
        case (.minus, _) where isDigit: next = .integer
        case (.integer, _) where isDigit: next = .integer
        case (.zero, UInt8(ascii: ".")), (.integer, UInt8(ascii: ".")): next = .dot
        case (.dot, _) where isDigit, (.fraction, _) where isDigit: next = .fraction
        case (.zero, UInt8(ascii: "e")), (.zero, UInt8(ascii: "E")), (.integer, UInt8(ascii: "e")),
            (.integer, UInt8(ascii: "E")), (.fraction, UInt8(ascii: "e")), (.fraction, UInt8(ascii: "E")):
            next = .exponentMark
        case (.exponentMark, UInt8(ascii: "+")), (.exponentMark, UInt8(ascii: "-")): next = .exponentSign
        case (.exponentMark, _) where isDigit, (.exponentSign, _) where isDigit, (.exponent, _) where isDigit:
            next = .exponent
        default: next = nil
        }
        if let next {
            state = .number(next)
            return
        }
        // The number ended: a complete one hands this byte to the state after a value.
        guard part.isComplete else { return unexpected(byte) }
        state = .afterValue
        step(byte)
    }

    private mutating func unexpected(_ byte: UInt8) {
        failure = .jsonInvalid(offset: offset, problem: .unexpectedByte(byte))
    }

    private mutating func invalidUTF8() {
        failure = .jsonInvalid(offset: offset, problem: .invalidUTF8)
    }
}
