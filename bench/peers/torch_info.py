"""What the bench says about its PyTorch peer: torch's version and the BLAS library it actually maps after a matmul
(Debian's python3-torch links whichever libblas.so.3 the alternatives select)."""
import json

import torch

torch.ones(64, 64) @ torch.ones(64, 64)
with open('/proc/self/maps') as maps:
    libs = sorted({line.split()[-1] for line in maps if 'blas' in line.split()[-1].lower() or 'mkl' in line.split()[-1].lower()})
print(json.dumps({'torch': torch.__version__, 'blas': libs}))
