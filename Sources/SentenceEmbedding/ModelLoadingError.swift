import MicseSupport

/// Everything that can go wrong while finding and reading a model directory: `config.json`, the
/// weight files (safetensors, `pytorch_model.bin`), the pooling configuration, and the resolution of
/// which model to use. Each `description` is one line naming the file and the problem.
public enum ModelLoadingError: UserFacingError, Equatable {
    // MARK: Files
    case fileMissing(path: String, what: String)
    case unreadableFile(path: String, reason: String)

    // MARK: config.json
    case invalidConfiguration(path: String, reason: String)
    case unsupportedModelType(path: String, modelType: String)
    case unsupportedActivation(path: String, activation: String)

    // MARK: safetensors
    case safeTensorsTooSmall(path: String, bytes: Int)
    case safeTensorsHeaderTooLarge(path: String, headerBytes: UInt64, limit: Int)
    case safeTensorsHeaderExceedsFile(path: String, headerBytes: UInt64, fileBytes: Int)
    case safeTensorsInvalidHeader(path: String, reason: String)
    case safeTensorsBadTensor(path: String, tensor: String, reason: String)

    // MARK: pytorch_model.bin
    case zipInvalid(path: String, reason: String)
    case zipEntryCompressed(path: String, entry: String, method: UInt16)
    case legacyPyTorchFormat(path: String)
    case pickleInvalid(path: String, offset: Int, reason: String)
    case pickleForbiddenGlobal(path: String, global: String)
    case checkpointInvalid(path: String, reason: String)

    // MARK: Tensors
    case unsupportedDType(path: String, tensor: String, dtype: String)
    case missingTensor(path: String, tensor: String, tried: [String])
    case wrongShape(path: String, tensor: String, expected: [Int], found: [Int])
    case duplicateTensor(path: String, tensor: String)

    // MARK: Resolution
    case modelNotFound(tried: [String])
    case notAModelDirectory(path: String, source: String, reason: String)

    /// One line, whatever the file put into the names it quotes: tensor names, zip entry names and pickle globals come
    /// from the file and may contain newlines or other control characters, which are shown escaped (`\n`, `\u{1B}`).
    public var description: String {
        var line = ""
        for scalar in message.unicodeScalars {
            switch scalar {
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            default:
                if scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    line += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    line.unicodeScalars.append(scalar)
                }
            }
        }
        return line
    }

    private var message: String {
        switch self {
        case let .fileMissing(path, what):
            return "\(path): \(what) not found"
        case let .unreadableFile(path, reason):
            return "\(path): cannot read (\(reason))"
        case let .invalidConfiguration(path, reason):
            return "\(path): invalid model configuration: \(reason)"
        case let .unsupportedModelType(path, modelType):
            return "\(path): model_type \"\(modelType)\" is not supported (only BERT encoders: model_type \"bert\")"
        case let .unsupportedActivation(path, activation):
            return "\(path): hidden_act \"\(activation)\" is not supported (supported: gelu, gelu_new, gelu_pytorch_tanh, relu)"
        case let .safeTensorsTooSmall(path, bytes):
            return "\(path): not a safetensors file (\(bytes) bytes, shorter than the 8-byte header length)"
        case let .safeTensorsHeaderTooLarge(path, headerBytes, limit):
            return "\(path): safetensors header claims \(headerBytes) bytes, more than the \(limit)-byte limit (corrupt file?)"
        case let .safeTensorsHeaderExceedsFile(path, headerBytes, fileBytes):
            return "\(path): safetensors header claims \(headerBytes) bytes but the file has only \(fileBytes) (truncated or corrupt)"
        case let .safeTensorsInvalidHeader(path, reason):
            return "\(path): invalid safetensors header: \(reason)"
        case let .safeTensorsBadTensor(path, tensor, reason):
            return "\(path): tensor \(tensor): \(reason)"
        case let .zipInvalid(path, reason):
            return "\(path): not a readable PyTorch zip checkpoint: \(reason)"
        case let .zipEntryCompressed(path, entry, method):
            return "\(path): zip entry \(entry) is compressed (method \(method)); only stored entries are supported — re-save with torch.save"
        case let .legacyPyTorchFormat(path):
            return "\(path): legacy (pre-1.6, non-zip) PyTorch checkpoint; re-save it with torch ≥ 1.6 or convert it to model.safetensors"
        case let .pickleInvalid(path, offset, reason):
            return "\(path): unreadable pickle at byte \(offset): \(reason)"
        case let .pickleForbiddenGlobal(path, global):
            return "\(path): forbidden pickle global \(global) (a checkpoint may only reference torch tensor/storage rebuilders and OrderedDict)"
        case let .checkpointInvalid(path, reason):
            return "\(path): invalid checkpoint: \(reason)"
        case let .unsupportedDType(path, tensor, dtype):
            return "\(path): tensor \(tensor) has unsupported dtype \(dtype) (supported: F32, F16, BF16, F64)"
        case let .missingTensor(path, tensor, tried):
            return "\(path): tensor \(tensor) not found (tried \(tried.joined(separator: ", ")))"
        case let .wrongShape(path, tensor, expected, found):
            return "\(path): tensor \(tensor) has shape \(found), config.json implies \(expected)"
        case let .duplicateTensor(path, tensor):
            return "\(path): tensor \(tensor) appears more than once"
        case let .modelNotFound(tried):
            return "no sentence-encoder model found (looked in: \(tried.joined(separator: "; "))) — install the bundled model with `make setup` (or `.ci/install-deps`) in the micse-cluster folder, or pass --model DIR"
        case let .notAModelDirectory(path, source, reason):
            return "\(path) (from \(source)): not a usable model directory: \(reason)"
        }
    }
}
