"""Dynamic int8 quantisation of an exported graph, written with python3-onnx alone (onnxruntime's
Python quantiser cannot be installed offline here). Every MatMul whose second input is a constant
weight becomes DynamicQuantizeLinear(activation) -> MatMulInteger(uint8 x int8) -> scale, the
same rewrite as onnxruntime.quantization.quantize_dynamic with per-tensor symmetric weights.

  /usr/bin/python3 training/quantize.py models/ar/model.onnx models/ar/model.int8.onnx
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto


def quantize(src, dst):
    model = onnx.load(src)
    graph = model.graph
    weights = {init.name: init for init in graph.initializer}
    constants = {n.output[0]: n for n in graph.node if n.op_type == "Constant"}
    new_nodes, quantized = [], 0
    for node in graph.node:
        weight_name = node.input[1] if node.op_type == "MatMul" else None
        if weight_name not in weights:
            new_nodes.append(node)
            continue
        w = numpy_helper.to_array(weights[weight_name]).astype(np.float32)
        scale = max(float(np.abs(w).max()), 1e-8) / 127.0
        w_q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
        p = f"{node.name or weight_name}_q"
        graph.initializer.extend([
            numpy_helper.from_array(w_q, f"{p}_w"),
            numpy_helper.from_array(np.array(scale, dtype=np.float32), f"{p}_w_scale"),
            numpy_helper.from_array(np.array(0, dtype=np.int8), f"{p}_w_zero"),
        ])
        a = node.input[0]
        new_nodes += [
            helper.make_node("DynamicQuantizeLinear", [a], [f"{p}_a", f"{p}_a_scale", f"{p}_a_zero"], name=f"{p}_dql"),
            helper.make_node("MatMulInteger", [f"{p}_a", f"{p}_w", f"{p}_a_zero", f"{p}_w_zero"], [f"{p}_int"], name=f"{p}_mmi"),
            helper.make_node("Cast", [f"{p}_int"], [f"{p}_float"], to=TensorProto.FLOAT, name=f"{p}_cast"),
            helper.make_node("Mul", [f"{p}_a_scale", f"{p}_w_scale"], [f"{p}_scale"], name=f"{p}_scale_mul"),
            helper.make_node("Mul", [f"{p}_float", f"{p}_scale"], [node.output[0]], name=f"{p}_out"),
        ]
        quantized += 1
    del graph.node[:]
    graph.node.extend(new_nodes)
    used = {i for n in graph.node for i in n.input}
    keep = [init for init in graph.initializer if init.name in used]
    del graph.initializer[:]
    graph.initializer.extend(keep)
    onnx.checker.check_model(model)
    onnx.save(model, dst)
    print(f"{dst}: {quantized} MatMuls quantised to int8")


if __name__ == "__main__":
    quantize(sys.argv[1], sys.argv[2])
