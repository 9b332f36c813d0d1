import Testing
import Foundation
@testable import CorpusIO
import TestSupport

@Suite("Corpus reading")
struct CorpusReaderTests {
    let dir: URL
    init() throws { dir = try makeTemporaryDirectory("corpus") }

    func file(_ name: String, _ content: String) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try Data(content.utf8).write(to: url)
        return url
    }
    func file(_ name: String, bytes: [UInt8]) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    @Test("the 12,284 tweets of the sentiment test set, with labels, in order")
    func realSentimentCorpus() throws {
        let corpus = try CorpusReader.read(SharedData.data("tweet_eval_sentiment_test.csv"))
        #expect(corpus.count == 12_284)
        #expect(corpus.labels?.count == 12_284)
        #expect(Set(corpus.labels ?? []) == ["negative", "neutral", "positive"])
        #expect(corpus.texts[0] == "@user @user what do these '1/2 naked pics' have to do with anything? They're not even like that.")
        #expect(corpus.texts[1] == "OH: “I had a blue penis while I was this” [playing with Google Earth VR]")
        #expect(corpus.texts[2] == "@user @user That's coming, but I think the victims are going to be Medicaid recipients.")
        #expect(corpus.labels?[3] == "positive")
        #expect(corpus.recordIndices == Array(0..<12_284))
        #expect(corpus.textColumnName == "text" && corpus.labelColumnName == "label")
    }

    /// The hate set holds 7 blank tweets (rows 1468, 1983, …), which are skipped and counted.
    @Test("all four shared corpora read with their label sets", arguments: [
        ("tweet_eval_sentiment_val.csv", 2_000, 0, 3), ("tweet_eval_emotion_train.csv", 3_257, 0, 4), ("tweet_eval_hate_train.csv", 8_993, 7, 2),
    ])
    func sharedCorpora(name: String, rows: Int, blank: Int, labels: Int) throws {
        let corpus = try CorpusReader.read(SharedData.data(name))
        #expect(corpus.count == rows)
        #expect(corpus.skippedEmpty == blank)
        #expect(corpus.labelCounts().count == labels)
    }

    @Test("RFC 4180: quotes, doubled quotes, embedded newlines and commas, CRLF, BOM")
    func rfc4180() throws {
        let url = try file("a.csv", "\u{FEFF}id,text,label\r\n1,\"hello, world\",pos\r\n2,\"she said \"\"hi\"\"\nand left\",neg\r\n3,plain 😀 שלום,pos\r\n")
        let c = try CorpusReader.read(url)
        #expect(c.texts == ["hello, world", "she said \"hi\"\nand left", "plain 😀 שלום"])
        #expect(c.labels == ["pos", "neg", "pos"])
        #expect(c.lineNumbers == [2, 3, 5])
    }

    @Test("UTF-16 with a byte-order mark (Excel's 'Unicode Text') reads as its UTF-8 twin, with a notice")
    func utf16() throws {
        let content = "text\tlabel\r\nplain 😀 שלום\tpos\r\n\"two\nlines\"\tneg\r\n"
        let reference = try CorpusReader.read(try file("utf8.tsv", content))
        for (name, encoding, bom) in [("le.txt", String.Encoding.utf16LittleEndian, [UInt8]([0xFF, 0xFE])),
                                      ("be.txt", .utf16BigEndian, [0xFE, 0xFF])] {
            let bytes = bom + [UInt8](try #require(content.data(using: encoding)))
            let c = try CorpusReader.read(try file(name, bytes: bytes))
            #expect(c.format == .tsv && c.texts == reference.texts && c.labels == reference.labels)
            #expect(c.lineNumbers == reference.lineNumbers)
            #expect(c.notices.first?.contains("read as UTF-16") == true && c.notices.first?.contains("tab-separated") == true)
        }
        // A labels file beside a plain-text corpus: UTF-16, or UTF-8 with a byte-order mark.
        let texts = try file("docs.txt", "alpha\nbeta\n")
        for (name, bytes) in [("l16.txt", [UInt8]([0xFF, 0xFE]) + [UInt8](try #require("négatif\npos\n".data(using: .utf16LittleEndian)))),
                              ("l8.txt", [0xEF, 0xBB, 0xBF] + Array("négatif\npos\n".utf8))] {
            let c = try CorpusReader.read(texts, options: .init(labelsFile: try file(name, bytes: bytes)))
            #expect(c.labels == ["négatif", "pos"])
        }
        // A lone surrogate is not UTF-16.
        var units: [UInt8] = [0xFF, 0xFE]
        for unit in "text\n".utf16 { units += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let broken = try file("broken.csv", bytes: units + [0x00, 0xD8, 0x41, 0x00])
        #expect(throws: CorpusError.invalidUTF16(broken.path)) { try CorpusReader.read(broken) }
        // An odd number of bytes (a file cut off inside its last character), with or without a byte-order mark.
        let cut = try file("cut.csv", bytes: units + [0x41])
        #expect(throws: CorpusError.truncatedUTF16(cut.path)) { try CorpusReader.read(cut) }
        var bare: [UInt8] = []
        for unit in "text,label\nsome words,pos\nmore words,neg\n".utf16 { bare += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(try CorpusReader.read(try file("bare.csv", bytes: bare)).texts == ["some words", "more words"])
        let bareCut = try file("bare-cut.csv", bytes: bare.dropLast())
        #expect(throws: CorpusError.truncatedUTF16(bareCut.path)) { try CorpusReader.read(bareCut) }
    }

    @Test("a spreadsheet, an archive or a compressed file is named for what it is, with what to do")
    func binaryFiles() throws {
        let cases: [(String, [UInt8], String)] = [
            ("sheet.xlsx", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00], "is a zip archive (an .xlsx or .ods spreadsheet, or a zipped corpus)"),
            ("old.xls", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0x00], "legacy Office file"),
            ("tweets.csv.gz", [0x1F, 0x8B, 0x08, 0x00], "gzip-compressed data, not a text corpus; decompress it first (gunzip)"),
            ("emb.npy", [0x93] + Array("NUMPY".utf8) + [0x01, 0x00], "a NumPy .npy array"),
            ("paper.pdf", Array("%PDF-1.7\n".utf8), "a PDF document"),
            ("t.bz2", Array("BZh9".utf8) + [0x31, 0x41, 0x59, 0x26, 0x53, 0x59], "bzip2-compressed data"),
        ]
        for (name, bytes, message) in cases {
            let url = try file(name, bytes: bytes + Array(repeating: 0x41, count: 20))
            do { _ = try CorpusReader.read(url); Issue.record("\(name) was read") } catch {
                #expect("\(error)".hasPrefix(url.path + ": this is "))
                #expect("\(error)".contains(message))
                #expect(!"\(error)".contains("\n"))
            }
        }
        // Texts that merely begin like a bzip2 or Parquet file are read.
        let parquet = try file("p.bin", bytes: Array("PAR1 and PAR2,x\nsecond line,y\nPAR1".utf8) + [0x0A])
        #expect(try CorpusReader.read(parquet, options: .init(format: .text)).texts.count == 3)
        let parquetLike = try file("p.parquet", bytes: Array("PAR1".utf8) + [0, 1, 2] + Array("PAR1".utf8))
        #expect(throws: CorpusError.self) { try CorpusReader.read(parquetLike) }
        let bz = try file("bz.txt", "BZh9 is not a word\nbut this is a text\n")
        #expect(try CorpusReader.read(bz).texts.count == 2)
    }

    @Test("binary data (NUL bytes) and a CSV whose first line never ends fail at once, before any parsing")
    func binaryDataAndEndlessHeader() throws {
        let zeros = try file("zeros.csv", bytes: [UInt8](repeating: 0, count: 300_000))
        #expect(throws: CorpusError.notText(zeros.path, what: "binary data (it holds NUL bytes)",
                                            advice: "pass a CSV, TSV, JSON Lines or plain-text file in UTF-8")) { try CorpusReader.read(zeros) }
        let oneLine = try file("oneline.csv", bytes: [UInt8](repeating: UInt8(ascii: "Q"), count: CorpusReader.maxHeaderLength + 10))
        #expect(throws: CorpusError.headerTooLong(oneLine.path, limit: CorpusReader.maxHeaderLength)) { try CorpusReader.read(oneLine) }
        // Invalid UTF-8 in the header cannot be skipped, so the message does not offer --skip-invalid.
        let badHeader = try file("badheader.csv", bytes: [0x74, 0xFF, 0x78, 0x74, 0x0A] + Array("hello\n".utf8))
        do { _ = try CorpusReader.read(badHeader, options: .init(skipInvalidUTF8: true)); Issue.record("read") } catch {
            #expect("\(error)" == "\(badHeader.path):1: invalid UTF-8 in the header line (re-encode the file as UTF-8)")
        }
    }

    @Test("a CSV whose header separates fields with semicolons (Excel in many locales) is read with ';', with a notice")
    func semicolons() throws {
        let content = "text;label\r\nhello there;a\r\n\"with; a semicolon, and a comma\";b\r\nplain, with comma;a\r\n"
        for name in ["semi.csv", "semi"] {
            let c = try CorpusReader.read(try file(name, content))
            #expect(c.format == .csv && c.labelColumnName == "label")
            #expect(c.texts == ["hello there", "with; a semicolon, and a comma", "plain, with comma"] && c.labels == ["a", "b", "a"])
            #expect(c.notices.first?.contains("fields are separated by ';'") == true)
        }
        // A comma in the header keeps the comma, semicolons in texts or not.
        let commas = try CorpusReader.read(try file("c.csv", "text,label\nfirst; part,a\n"))
        #expect(commas.texts == ["first; part"] && commas.labels == ["a"] && commas.notices.isEmpty)
    }

    @Test("TSV by extension and by sniffing; JSON Lines; plain text with a labels file")
    func otherFormats() throws {
        let tsv = try file("a.tsv", "label\ttext\nx\tone, two\ny\tthree\n")
        #expect(try CorpusReader.read(tsv).texts == ["one, two", "three"])
        let sniffed = try file("a.data", "text\tlabel\nfour\tz\n")
        #expect(try CorpusReader.read(sniffed).format == .tsv)
        let jsonl = try file("a.jsonl", "{\"text\": \"first\", \"label\": 1}\n\n{\"text\": \"second\", \"label\": \"b\"}\n")
        let j = try CorpusReader.read(jsonl)
        #expect(j.texts == ["first", "second"] && j.labels == ["1", "b"])
        let text = try file("train_text.txt", "alpha\nbeta\n\ngamma\n")
        _ = try file("train_labels.txt", "0\n1\n0\n2\n")
        _ = try file("mapping.txt", "0\tneg\n1\tneu\n2\tpos\n")
        let t = try CorpusReader.read(text)
        #expect(t.texts == ["alpha", "beta", "gamma"] && t.labels == ["neg", "neu", "pos"] && t.skippedEmpty == 1)
        #expect(t.recordIndices == [0, 1, 3])
        let plain = try file("notes.txt", "just one line")
        let p = try CorpusReader.read(plain)
        #expect(p.texts == ["just one line"] && p.labels == nil)
    }

    @Test("columns by name, by number, auto-detected, or no label column")
    func columns() throws {
        let url = try file("c.csv", "Tweet,Sentiment,extra\nhi,pos,1\nho,neg,2\n")
        let auto = try CorpusReader.read(url)
        #expect(auto.texts == ["hi", "ho"] && auto.labels == ["pos", "neg"])
        let byNumber = try CorpusReader.read(url, options: .init(textColumn: "3", labelColumn: "none"))
        #expect(byNumber.texts == ["1", "2"] && byNumber.labels == nil)
        let noLabels = try file("n.csv", "text\nonly text\n")
        #expect(try CorpusReader.read(noLabels).labels == nil)
    }

    @Test("labels missing in some rows are empty; a label column empty in every row means no labels")
    func missingLabels() throws {
        let csv = try file("m.csv", "text,label\none,a\ntwo,\nthree,b\nfour,\n")
        let c = try CorpusReader.read(csv)
        #expect(c.labels == ["a", "", "b", ""] && c.unlabeledCount == 2)
        #expect(c.labelCounts().map(\.label) == ["a", "b"] && c.notices.isEmpty)
        let jsonl = try file("m.jsonl", "{\"text\": \"one\", \"label\": 1}\n{\"text\": \"two\"}\n{\"text\": \"three\", \"label\": null}\n")
        let j = try CorpusReader.read(jsonl)
        #expect(j.labels == ["1", "", ""] && j.unlabeledCount == 2)
        // The label field first appears on line 3: the lines before it have no label.
        let late = try file("late.jsonl", "{\"text\": \"one\"}\n{\"text\": \"two\"}\n{\"text\": \"three\", \"class\": \"x\"}\n{\"text\": \"four\"}\n")
        let l = try CorpusReader.read(late)
        #expect(l.labels == ["", "", "x", ""] && l.labelColumnName == "class")
        #expect(try CorpusReader.read(late, options: .init(labelColumn: "none")).labels == nil)
        let empty = try file("e.csv", "text,label\none,\ntwo, \n")
        let e = try CorpusReader.read(empty)
        #expect(e.labels == nil && e.labelColumnName == nil && e.unlabeledCount == 0)
        #expect(e.notices == ["e.csv: the label column 'label' is empty in every row; reading the corpus without labels"])
    }

    @Test("a one-column CSV without a known header name: its first line is the header, and a notice says so")
    func oneColumnHeader() throws {
        let url = try file("list.csv", "first thought\nsecond thought\nthird thought\n")
        let c = try CorpusReader.read(url)
        #expect(c.texts == ["second thought", "third thought"])
        #expect(c.notices.count == 1 && c.notices[0].contains("line 1 ('first thought') was read as the header")
                && c.notices[0].contains("--format text"))
        #expect(try CorpusReader.read(url, options: .init(format: .text)).texts.count == 3)
        // A known header name, or a column chosen by the user: nothing to say.
        #expect(try CorpusReader.read(try file("named.csv", "Text\na\nb\n")).notices.isEmpty)
        #expect(try CorpusReader.read(url, options: .init(textColumn: "1")).notices.isEmpty)
    }

    @Test("empty texts are skipped and counted, or kept on request")
    func emptyTexts() throws {
        let url = try file("e.csv", "text,label\n,a\n  ,b\nreal,c\n")
        let c = try CorpusReader.read(url)
        #expect(c.texts == ["real"] && c.skippedEmpty == 2 && c.recordIndices == [2])
        let kept = try CorpusReader.read(url, options: .init(keepEmptyTexts: true))
        #expect(kept.count == 3)
    }

    @Test("bad input: one clear error naming the file and line")
    func badInput() throws {
        func error(_ url: URL, _ options: CorpusReadOptions = .init()) -> String {
            do { _ = try CorpusReader.read(url, options: options); return "no error" } catch { return "\(error)" }
        }
        #expect(error(dir.appendingPathComponent("missing.csv")).hasSuffix("missing.csv: no such file"))
        #expect(error(dir).contains("is a directory"))
        #expect(error(try file("empty.csv", "")).hasSuffix("the file is empty"))
        #expect(error(try file("header.csv", "text,label\n")).hasSuffix("no documents, only a header line"))
        #expect(error(try file("col.csv", "text,label\na,b\n"), .init(textColumn: "body")).hasSuffix("no column 'body' (columns: text, label)"))
        #expect(error(try file("quote.csv", "text,label\nok,a\n\"never closed,b\nmore,c\n")).contains("quote.csv:3: unterminated quoted field"))
        #expect(error(try file("few.csv", "label,text\na,b\nc\n")).contains("few.csv:3: row has 1 field, needs at least 2"))
        #expect(error(try file("amb.csv", "a,b\n1,2\n")).contains("cannot tell which column holds the text"))
        let invalid = try file("bad.csv", bytes: Array("text,label\nfine,a\n".utf8) + [0x66, 0xFF, 0x66] + Array(",b\nok,c\n".utf8))
        #expect(error(invalid).contains("bad.csv:3: invalid UTF-8"))
        let skipped = try CorpusReader.read(invalid, options: .init(skipInvalidUTF8: true))
        #expect(skipped.texts == ["fine", "ok"] && skipped.skippedInvalid == 1)
        #expect(error(try file("bad.jsonl", "{\"text\": \"a\"}\n{oops\n")).contains("bad.jsonl:2: not valid JSON"))
        #expect(error(try file("allempty.csv", "text\n \n\"\"\n")).contains("no documents to process"))
    }
}

/// Files from other tools: extra fields, tabs in a .csv, Windows line ends, UTF-16 without a BOM, pipes.
extension CorpusReaderTests {
    func file(_ name: String, _ data: Data) throws -> URL { try file(name, bytes: Array(data)) }
    func message(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "" } catch { return "\(error)" }
    }

    @Test("a row with more fields than the header is an error naming its line (a label would be lost)")
    func extraFields() throws {
        let url = try file("extra.csv", Data("text,label\nfine,a\nI love this, really,joy\n".utf8))
        #expect(message { try CorpusReader.read(url) }.contains("extra.csv:3: row has 3 fields, the header has 2; quote a field"))
        // Trailing empty fields (a separator at the end of every row) are harmless.
        let trailing = try CorpusReader.read(try file("trailing.csv", Data("text,label\nfine,a,\nok,b,,\n".utf8)))
        #expect(trailing.texts == ["fine", "ok"] && trailing.labels == ["a", "b"])
        let oneColumn = try file("one.csv", Data("sentence\nhello, world\n".utf8))
        #expect(message { try CorpusReader.read(oneColumn) }.contains("pass --format text"))
    }

    @Test("a tab-separated file named .csv is read with tabs, with a notice")
    func tabsInCSV() throws {
        let c = try CorpusReader.read(try file("t.csv", Data("text\tlabel\nhello, there\ta\nbye\tb\n".utf8)))
        #expect(c.texts == ["hello, there", "bye"] && c.labels == ["a", "b"])
        #expect(c.notices.first?.contains("separated by tabs") == true)
    }

    @Test("plain text and its labels file with Windows (CRLF) or old-Mac (CR) line ends; a mapping.txt that does not name every label says so",
          arguments: ["\r\n", "\r"])
    func lineEnds(_ end: String) throws {
        let text = try file("x_text.txt", Data(["alpha", "beta", "gamma"].map { $0 + end }.joined().utf8))
        _ = try file("x_labels.txt", Data(["0", "1", "2"].map { $0 + end }.joined().utf8))
        _ = try file("mapping.txt", Data(["0\tanger", "1\tjoy"].map { $0 + end }.joined().utf8))
        let c = try CorpusReader.read(text)
        #expect(c.texts == ["alpha", "beta", "gamma"] && c.labels == ["anger", "joy", "2"])
        #expect(c.notices.contains { $0.contains("does not name the label '2'") })
        #expect(CorpusReader.lines(of: "a\(end)b\nc\(end)") == ["a", "b", "c"])
    }

    @Test("--labels with a CSV corpus is refused, not ignored")
    func labelsWithCSV() throws {
        let url = try file("c.csv", Data("text,label\nhello,a\n".utf8))
        let options = CorpusReadOptions(labelsFile: dir.appendingPathComponent("labels.txt"))
        #expect(message { try CorpusReader.read(url, options: options) }.contains("is for a plain-text corpus"))
    }

    @Test("UTF-16 without a byte-order mark is recognised by its zero bytes, in any script")
    func utf16WithoutBOM() throws {
        // Cyrillic and CJK text has few zero bytes (spaces, digits, line ends), all in one half of the pairs.
        let cyrillic = "text,label\n" + (0..<10).map { "Привет как дела номер \($0),a\n" }.joined()
        let cjk = "東京大阪\n京都名古屋\n札幌福岡\n"
        for content in ["text,label\nhello,a\nwörld,b\n", cyrillic, cjk] {
            for (name, encoding) in [("le.csv", String.Encoding.utf16LittleEndian), ("be.csv", .utf16BigEndian)] {
                let url = try file(content == cjk ? name.replacingOccurrences(of: ".csv", with: ".txt") : name,
                                   try #require(content.data(using: encoding)))
                let c = try CorpusReader.read(url)
                #expect(c.texts.count == (content == cjk ? 3 : content == cyrillic ? 10 : 2), "\(name)")
                #expect(c.texts.first == content.split(separator: "\n")[content == cjk ? 0 : 1].split(separator: ",")[0].description
                        || content == cyrillic, "\(name): \(c.texts)")
                #expect(c.notices.first?.contains("without a byte-order mark") == true)
            }
        }
    }

    @Test("a corpus from a pipe (not a regular file) is read through")
    func pipe() throws {
        let fifo = dir.appendingPathComponent("fifo.csv")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let writer = Thread {
            if let handle = FileHandle(forWritingAtPath: fifo.path) {
                handle.write(Data("text,label\nfrom a pipe,a\nsecond,b\n".utf8))
                try? handle.close()
            }
        }
        writer.start()
        let c = try CorpusReader.read(fifo)
        #expect(c.texts == ["from a pipe", "second"])
    }

    @Test("JSON Lines: a named label field no line has is an error; true/false stay words; numbers are not fields")
    func jsonLinesFields() throws {
        let url = try file("b.jsonl", Data("{\"text\": \"a\", \"label\": true}\n{\"text\": \"b\", \"label\": 1}\n{\"text\": \"c\", \"label\": false}\n".utf8))
        #expect(try CorpusReader.read(url).labels == ["true", "1", "false"])
        #expect(message { try CorpusReader.read(url, options: CorpusReadOptions(labelColumn: "topic")) }.contains("no column 'topic' (columns: label, text)"))
        #expect(message { try CorpusReader.read(url, options: CorpusReadOptions(textColumn: "1")) }.contains("fields are named, not numbered"))
    }
}
