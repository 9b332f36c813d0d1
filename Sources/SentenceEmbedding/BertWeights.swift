/// The hyper-parameters of a BERT encoder, read from a Hugging Face `config.json`
/// (transformers `BertConfig`; defaults are bert-base-uncased's).
public struct BertConfiguration: Sendable, Equatable, Codable {
    public var vocabSize: Int = 30522
    public var hiddenSize: Int = 768
    public var layerCount: Int = 12
    public var headCount: Int = 12
    public var intermediateSize: Int = 3072
    public var maxPositions: Int = 512
    public var typeVocabSize: Int = 2
    public var layerNormEps: Float = 1e-12
    /// Activation of the feed-forward block: `gelu` (exact, erf) is what BERT checkpoints use.
    public var hiddenAct: Activation = .gelu

    public enum Activation: String, Sendable, Equatable, Codable {
        /// Exact GELU, x·Φ(x) = 0.5·x·(1 + erf(x/√2)) (transformers `GELUActivation`).
        case gelu
        /// The tanh approximation (transformers `gelu_new` / `gelu_pytorch_tanh`).
        case geluTanh = "gelu_new"
        case relu
    }

    public init() {}
    public var headSize: Int { hiddenSize / headCount }
}

/// A weight matrix or vector in the checkpoint's own layout, converted to `Float` (fp32).
/// PyTorch `nn.Linear` stores its weight as (out_features, in_features), row-major.
public struct Tensor: Sendable, Equatable {
    public let shape: [Int]
    public var values: [Float]
    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "tensor shape \(shape) does not match \(values.count) values")
        self.shape = shape
        self.values = values
    }
}

/// A `nn.Linear`: weight (out, in) and bias (out).
public struct LinearWeights: Sendable {
    public var weight: Tensor
    public var bias: Tensor
    public init(weight: Tensor, bias: Tensor) { self.weight = weight; self.bias = bias }
}

/// A `nn.LayerNorm`: gamma (`weight`) and beta (`bias`), each (hidden).
public struct LayerNormWeights: Sendable {
    public var gamma: Tensor
    public var beta: Tensor
    public init(gamma: Tensor, beta: Tensor) { self.gamma = gamma; self.beta = beta }
}

/// One `BertLayer` (transformers modeling_bert.py): self-attention, its output projection and
/// LayerNorm, then the feed-forward block (intermediate, output, LayerNorm).
/// Checkpoint keys: `encoder.layer.{i}.attention.self.{query,key,value}`,
/// `encoder.layer.{i}.attention.output.{dense,LayerNorm}`, `encoder.layer.{i}.intermediate.dense`,
/// `encoder.layer.{i}.output.{dense,LayerNorm}`.
public struct BertLayerWeights: Sendable {
    public var query: LinearWeights
    public var key: LinearWeights
    public var value: LinearWeights
    public var attentionOutput: LinearWeights
    public var attentionLayerNorm: LayerNormWeights
    public var intermediate: LinearWeights
    public var output: LinearWeights
    public var outputLayerNorm: LayerNormWeights
    public init(query: LinearWeights, key: LinearWeights, value: LinearWeights, attentionOutput: LinearWeights,
                attentionLayerNorm: LayerNormWeights, intermediate: LinearWeights, output: LinearWeights,
                outputLayerNorm: LayerNormWeights) {
        self.query = query; self.key = key; self.value = value; self.attentionOutput = attentionOutput
        self.attentionLayerNorm = attentionLayerNorm; self.intermediate = intermediate; self.output = output
        self.outputLayerNorm = outputLayerNorm
    }
}

/// All weights of a `BertModel` encoder (no pooler, no heads), checked against the configuration.
/// Checkpoint keys: `embeddings.{word,position,token_type}_embeddings.weight`, `embeddings.LayerNorm`.
public struct BertWeights: Sendable {
    public var configuration: BertConfiguration
    /// (vocab, hidden)
    public var wordEmbeddings: Tensor
    /// (maxPositions, hidden)
    public var positionEmbeddings: Tensor
    /// (typeVocab, hidden)
    public var tokenTypeEmbeddings: Tensor
    public var embeddingLayerNorm: LayerNormWeights
    public var layers: [BertLayerWeights]
    public init(configuration: BertConfiguration, wordEmbeddings: Tensor, positionEmbeddings: Tensor,
                tokenTypeEmbeddings: Tensor, embeddingLayerNorm: LayerNormWeights, layers: [BertLayerWeights]) {
        self.configuration = configuration; self.wordEmbeddings = wordEmbeddings
        self.positionEmbeddings = positionEmbeddings; self.tokenTypeEmbeddings = tokenTypeEmbeddings
        self.embeddingLayerNorm = embeddingLayerNorm; self.layers = layers
    }
}

/// How a sentence vector is made from the final hidden states.
public enum Pooling: String, Sendable, Equatable, Codable, CaseIterable {
    /// The final hidden state of `[CLS]` (miCSE, SimCSE).
    case cls
    /// The mask-weighted mean of the final hidden states (sentence-transformers models).
    case mean
}
