import Foundation
import LogScanCore
import Testing

/// Reads a whole source, collecting bytes until the end or an error.
func drain(_ source: any ByteSource, chunkSize: Int = 4096) -> (bytes: [UInt8], error: ReaderError?) {
  var out: [UInt8] = []
  let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
  defer { buffer.deallocate() }
  do throws(ReaderError) {
    while true {
      let n = try source.read(into: buffer)
      if n == 0 { return (out, nil) }
      out += buffer[0..<n]
    }
  } catch {
    return (out, error)
  }
}

@Suite struct ReaderTests {
  let plain = try! [UInt8](Data(contentsOf: URL(fileURLWithPath: fixture("app.jsonl"))))

  @Test(arguments: ["app.jsonl.zst", "multiframe.jsonl.zst"])
  func zstdDecodesEveryFrameAndSkipsSkippableOnes(name: String) throws {
    let source = ZstdSource(base: try FileSource(path: fixture(name)), name: name)
    let (bytes, error) = drain(source)
    #expect(error == nil)
    #expect(bytes == plain)
  }

  @Test func gzipDecodes() throws {
    let source = GzipSource(base: try FileSource(path: fixture("app.jsonl.gz")), name: "gz")
    let (bytes, error) = drain(source)
    #expect(error == nil)
    #expect(bytes == plain)
  }

  @Test func gzipReadsConcatenatedMembers() throws {
    let directory = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let member = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixture("app.jsonl.gz"))))
    let path = writeTemporaryFile(member + member, name: "twice.gz", in: directory)
    let (bytes, error) = drain(GzipSource(base: try FileSource(path: path), name: path))
    #expect(error == nil)
    #expect(bytes == plain + plain)
  }

  @Test func truncatedZstdKeepsWhatWasDecodedAndNamesTheOffset() throws {
    let name = fixture("truncated.jsonl.zst")
    let (bytes, error) = drain(ZstdSource(base: try FileSource(path: name), name: name))
    #expect(error?.kind == .truncated(format: .zstd))
    #expect(error?.offset == 20000)
    #expect(bytes.count > 100_000)
    #expect(Array(plain.prefix(bytes.count)) == bytes)
    #expect(error?.message.contains("truncated.jsonl.zst") == true)
  }

  @Test func corruptZstdKeepsWhatWasDecoded() throws {
    let name = fixture("corrupt.jsonl.zst")
    let (bytes, error) = drain(ZstdSource(base: try FileSource(path: name), name: name))
    guard case .corrupt(format: .zstd, _)? = error?.kind else {
      Issue.record("expected a corrupt-archive error, got \(String(describing: error))")
      return
    }
    #expect(bytes.count > 100_000)
    #expect(Array(plain.prefix(bytes.count)) == bytes)
    #expect(error!.offset > 0 && error!.offset <= 35537)
  }

  @Test func formatIsDetectedByContentNotName() {
    func detect(_ bytes: [UInt8]) -> InputFormat { bytes.withUnsafeBytes { InputFormat.detect($0) } }
    #expect(detect([0x28, 0xB5, 0x2F, 0xFD, 0x00]) == .zstd)
    #expect(detect([0x5E, 0x2A, 0x4D, 0x18]) == .zstd)
    #expect(detect([0x1F, 0x8B, 0x08]) == .gzip)
    #expect(detect(Array("{\"a\":1}".utf8)) == .plain)
    #expect(detect([]) == .plain)
    #expect(detect([0x28]) == .plain)
  }

  @Test func missingFileIsAClearError() {
    do {
      _ = try FileSource(path: "/nonexistent/app.jsonl")
      Issue.record("opened a missing file")
    } catch {
      #expect(error.isUnreadable)
      #expect(error.message == "cannot open '/nonexistent/app.jsonl': No such file or directory")
    }
  }

  @Test func fileRangesReadExactlyTheirBytes() throws {
    let source = try FileSource(path: fixture("app.jsonl"), range: 1000..<5000)
    let (bytes, error) = drain(source, chunkSize: 333)
    #expect(error == nil)
    #expect(bytes == Array(plain[1000..<5000]))
  }
}
