// The miCSE model card's first example, natively: embed sentences with the [CLS] vector
// (max_length 32, as on the card) and print their cosine similarities.
//
//   swift run -c release example-similarity ["sentence one" "sentence two" ...]
//
// Uses miCSE when its weights are in the Hugging Face cache (or $MICSE_MODEL / --model is set),
// else the bundled all-MiniLM-L6-v2 (then CLS pooling is what the card does, not what MiniLM was trained for).
import Foundation
import MicsePipeline
import MicseSupport

var sentences = Array(CommandLine.arguments.dropFirst())
if sentences.isEmpty {
    sentences = [
        "This is a sentence for testing miCSE.",
        "This is yet another test sentence for the mutual information Contrastive Sentence Embeddings model.",
        "The weather in Walldorf is sunny today.",
    ]
}

do {
    let stage = try EmbeddingStage(model: nil, pooling: .cls, normalize: false, maxLength: 32)
    FileHandle.standardError.write(Data("\(stage.resolved.summary)\n".utf8))
    let result = try stage.embed(sentences, cache: nil, progress: SilentProgress())
    let unit = result.embeddings.l2Normalized()
    for i in sentences.indices {
        for j in sentences.indices where j > i {
            var cosine: Float = 0
            for d in 0..<unit.columns { cosine += unit[i, d] * unit[j, d] }
            print(String(format: "cosine %.4f  between %d and %d", cosine, i + 1, j + 1))
        }
    }
    for (i, s) in sentences.enumerated() { print("\(i + 1): \(s)") }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
