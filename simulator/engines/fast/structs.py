"""Named groups of arrays as compiled views: readable by name, free of reference counting.

The compiled loop reads its state as a few groups of named arrays (``w.leads.stage``).
Passing them as named tuples would make every compiled function's signature as large as
the tuple (compile time grows with fields x functions: minutes for this engine), and
Numba's reference-counted structs pay an atomic increment and decrement on every field
read, which cost two thirds of the run time here. A :class:`View` is a plain pointer to
a copy of the tuple's fields in which every array is *borrowed* (no reference count):
reading a field costs a load. The arrays stay owned by the caller, which must keep them
(and the buffer the view lives in) alive while the view is used: :func:`run_world`'s
arguments do.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, cast

from llvmlite import ir
from numba.core import cgutils, imputils, types
from numba.core.datamodel import models
from numba.core.typing.templates import AttributeTemplate
from numba.extending import infer_getattr, intrinsic, lower_getattr_generic, register_model


class View(types.Type):
    """A borrowed pointer to a stored named tuple (arrays without reference counts, nested views)."""

    def __init__(self, tuple_type: Any) -> None:
        self.tuple_type = tuple_type
        # A short name: compiled functions are named after their argument types, and the
        # full type of a view of views runs to thousands of characters (slow to compile).
        digest = hashlib.sha1(str(tuple_type).encode()).hexdigest()[:12]
        super().__init__(name=f"View({tuple_type.instance_class.__name__}:{digest})")

    @property
    def key(self) -> Any:
        """Two views of the same tuple type are the same type."""
        return self.tuple_type


register_model(View)(models.OpaqueModel)


@infer_getattr
class _ViewAttributes(AttributeTemplate):
    key = View

    def generic_resolve(self, typ: View, attr: str) -> Any:  # type: ignore[override]  # Numba declares it a constant
        fields = typ.tuple_type.fields
        return typ.tuple_type.types[fields.index(attr)] if attr in fields else None


@lower_getattr_generic(View)
def _view_getattr(context: Any, builder: Any, typ: View, value: Any, attr: str) -> Any:
    tuple_type = typ.tuple_type
    llvm_type = context.get_value_type(tuple_type)
    pointer = builder.bitcast(value, llvm_type.as_pointer())
    index = tuple_type.fields.index(attr)
    field = builder.load(cgutils.gep_inbounds(builder, pointer, 0, index))
    return imputils.impl_ret_borrowed(context, builder, tuple_type.types[index], field)


def _borrowed(context: Any, builder: Any, typ: types.Type, value: Any) -> Any:
    """An array with no owner (its reference counting does nothing); other values as they are."""
    if isinstance(typ, types.Array):
        array = context.make_array(typ)(context, builder, value=value)
        array.meminfo = cgutils.get_null_value(array.meminfo.type)
        array.parent = cgutils.get_null_value(array.parent.type)
        return array._getvalue()
    return value


@intrinsic
def _view_size(typingctx: Any, tup: Any) -> Any:
    """Compiled code only: bytes a view of named tuple ``tup`` needs."""

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        return context.get_constant(types.intp, context.get_abi_sizeof(context.get_value_type(tup)))

    return types.intp(tup), codegen


@intrinsic
def _view_of(typingctx: Any, buffer: Any, tup: Any) -> Any:
    """Compiled code only: store named tuple ``tup`` (arrays borrowed) in ``buffer`` and view it.

    ``buffer`` is a uint8 array of at least ``view_size(tup)`` bytes that outlives the view.
    """

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        buffer_value, tuple_value = args
        data = context.make_array(buffer)(context, builder, value=buffer_value).data
        llvm_type = context.get_value_type(tup)
        pointer = builder.bitcast(data, llvm_type.as_pointer())
        for i, typ in enumerate(tup.types):
            field = _borrowed(context, builder, typ, builder.extract_value(tuple_value, i))
            builder.store(field, cgutils.gep_inbounds(builder, pointer, 0, i))
        return builder.bitcast(pointer, ir.IntType(8).as_pointer())

    return View(tup)(buffer, tup), codegen


# The intrinsics, typed for the Python code that calls them from compiled functions.
view_size = cast("Callable[[Any], int]", _view_size)
view_of = cast("Callable[[Any, Any], Any]", _view_of)
