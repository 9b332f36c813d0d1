import Foundation

/// A `torch.save` zip checkpoint (`pytorch_model.bin`). Reader under construction.
public struct PyTorchCheckpoint: Sendable {
    public let url: URL
    public let tensors: [String: StoredTensor]
    public init(url: URL) throws {
        self.url = url
        throw ModelLoadingError.checkpointInvalid(path: url.path, reason: "pytorch_model.bin reading is not implemented yet")
    }
}
