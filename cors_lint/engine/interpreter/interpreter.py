"""An abstract interpreter for the import-time behaviour of a Python project.

It executes each module's top-level statements the way Python would on import (imports
of project modules run those modules first, circular imports see a partial namespace),
inlines calls to the project's own functions (app factories, ``init_app`` helpers), and
asks the library registry (``engine.interpreter.registry``, filled by ``engine.models``) what calls
into installed libraries do. It names no library itself, and never imports or runs
scanned code.

Control flow that depends on unknown values (``if app.debug:``) is followed on every
branch, and what happens there is marked with the condition.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import libcst as cst

from cors_lint.core.values import Assumptions, FromEnv, Unknown, env_vars, strip_env
from cors_lint.engine.interpreter.bounds import REPEAT_RUNS, Bounds, Summary, call_key
from cors_lint.engine.source.entry_points import EntryPoint
from cors_lint.engine.interpreter.expressions import (BINARY_OPERATORS, ExpressionEvaluator, in_place_method, is_text_data, lifted,
                                         rewrap)
from cors_lint.engine.interpreter.objects import BoundMethod, ClassObj, FunctionObj, InstanceObj, LibSymbol, Location
from cors_lint.engine.source.parallel import AUTO_MIN_CORES, ISOLATE_BYTES, PARALLEL_MIN_BYTES, parse_isolated, parse_many
from cors_lint.engine.source.parsing import ParsedModule, parse
from cors_lint.engine.source.parse_memo import ParseMemo
from cors_lint.engine.source.project import (FileError, SourceFile, has_effects, installed_module, is_test_module,
                                     module_index, only_a_script, read,
                                     relative_module)
from cors_lint.engine.interpreter.registry import Call, Registry
from cors_lint.engine.interpreter.scopes import Frame, LazyName, ModuleState
from cors_lint.engine.source.scripts import Step, reaches_apps
from cors_lint.engine.source.walk import children

MAX_CALL_DEPTH = 12
MAX_LOOP_ITERATIONS = 256
MAX_NESTED_ROUNDS = 3  # uncalled functions that define uncalled functions: how deep they are run
MAX_APPS_PER_CONFIGURATOR = 8  # an uncalled function that configures an app runs once per app, up to this many
MAIN_GUARD_CONDITION = 'the module runs as a script (`__name__ == "__main__"`)'


class _Return(Exception):
    def __init__(self, value: Any):
        self.value = value


class Interpreter(ExpressionEvaluator):
    def __init__(self, root, files: list[SourceFile], registry: Registry, index: list[SourceFile] | None = None,
                 assumptions: Assumptions | None = None, demand_driven: bool = True, workers: int = 0,
                 parse_memo: ParseMemo | None = None):
        self.root = root
        self.registry = registry  # what library names do
        # Demand-driven: only files that pass the byte prefilter are entry points, and imported
        # modules that cannot have effects run when first used. Otherwise every file is an
        # entry point and every import runs at once (the reference the prefilter is tested against).
        self.demand_driven = demand_driven
        self.peeking = False  # while set, lazy modules are not loaded (a speculative look)
        self.workers = workers  # parse processes for the entry points: 0 = as many as cores when worth it
        # trees shared by the analyses of one check (one per environment): libcst trees are immutable
        self.parse_memo = parse_memo if parse_memo is not None else ParseMemo()
        self.assumptions = assumptions or Assumptions()
        self.env_reads: set[str] = set()  # variables (and "app.debug") the code consulted
        self.pinned_env: set[str] = set()  # variables whose value the environment's assumptions fix
        self.function_facts: dict[int, tuple[cst.CSTNode, FunctionFacts]] = {}
        self.module_texts: dict[tuple[str, bytes], bool] = {}  # see module_contains
        self.suffixes: dict[str, set[SourceFile]] | None = None  # see by_suffix
        self.files = files
        self.by_name = module_index(files, index)  # dotted name -> file
        self.index = index if index is not None else files
        self.folders: dict[str, dict[str, bool]] | None = None  # see modules_in_folder
        self.by_path: dict[str, SourceFile] | None = None  # see source_at
        self.copies_seen: dict[str, Any] = {}  # path -> the library copy it is, or None (see import_module)
        self.installed_seen: dict[str, Any] = {}  # directory -> holds installed packages (see import_module)
        self.library_copies: dict[str, Any] = {}  # the copies that imports reached, by path
        self.modules: dict[str, ModuleState] = {}
        self.errors: list[FileError] = []
        self.parsed: dict[str, ParsedModule] = {}
        self.source_bytes: dict[str, bytes | FileError] = {}  # see read_once
        self.consulted: set[str] = set()  # files whose content the result depends on (beyond the prefilter)
        self.scripts_not_run: list[str] = []  # see scripts
        self.script_steps: dict[str, Step] = {}  # each module's imports, scanned once (see scripts)
        self.apps: list = []  # what the models record: the apps built, the sites that configure CORS
        self.sites: list = []
        self.functions: list[FunctionObj] = []
        self.bounds = Bounds()  # what keeps the interpretation finite (see engine.bounds)
        # library objects made by a project subclass (`class ApiExt(Api)`): id -> (object, its class),
        # so that the subclass's own methods (`api.add_org_resource(...)`) run (see get_attribute)
        self.project_classes: dict[int, tuple[Any, ClassObj]] = {}
        # attributes the project sets on library objects that no model handles: id -> (object, {name: value})
        self.object_attributes: dict[int, tuple[Any, dict[str, Any]]] = {}
        self.function_objects: dict[int, list[FunctionObj]] = {}
        self.methods: list[FunctionObj] = []
        self.classes: dict[int, ClassObj] = {}
        # the last part of each application class's name, and the project's subclasses of them:
        # a cheap first test of whether a function may build an app (see creates_app)
        self.app_class_names: set[str] = {name.rpartition(".")[2] for name in registry.application_classes}
        self.project_app_classes: set[str] = set()  # names of the project's subclasses of them

    # ---------------------------------------------------------------- modules
    def run(self, entries: list[tuple[SourceFile, bytes]], commands: list[EntryPoint] = ()) -> None:
        """Execute the entry points (files that can matter on its own, with their bytes) in path
        order, as Python would on import; other modules run when an entry point imports them.
        Then what starts an app without importing it: the functions the packaging files declare
        as commands, app factories nothing calls, and functions that configure an app that
        nothing calls (each over-approximated: a security check must see what may run)."""
        self.source_bytes.update((source.rel, data) for source, data in entries)
        if self.demand_driven:
            entries = self.without_idle_scripts(entries)
        self.preparse(entries)
        for source, _ in entries:
            self.bounds.begin_entry()
            self.load_source(source)
        self.run_commands(commands)
        self.run_uncalled_factories()
        self.run_uncalled_configurators()
        self.run_uncalled_with_effects()

    def without_idle_scripts(self, entries: list[tuple[SourceFile, bytes]]) -> list[tuple[SourceFile, bytes]]:
        """The entry points but the scripts (entry points only by their ``__main__`` block) that
        cannot reach an app (see ``scripts``)."""
        kept = []
        for source, data in entries:
            if not only_a_script(data) or reaches_apps(source, self.find_module, self.read_consulted,
                                                         self.script_steps):
                kept.append((source, data))
            else:
                self.scripts_not_run.append(source.rel)
        return kept

    def find_module(self, name: str) -> SourceFile | None:
        """The project module an absolute import of ``name`` runs (as ``import_module`` finds it)."""
        return self.by_name.get(name) or self.by_suffix(name)

    def read_consulted(self, source: SourceFile) -> bytes | FileError:
        self.consulted.add(source.rel)  # what the outcome depends on: the result cache keys on it
        return self.read_once(source)

    def preparse(self, entries: list[tuple[SourceFile, bytes]]) -> None:
        """Parse the entry points in worker processes when there are enough of them."""
        entries = [(source, data) for source, data in entries if (source.fspath, data) not in self.parse_memo]
        for source, data in entries:  # kept from an earlier run: no need to parse
            kept = self.parse_memo.kept(source, data)
            if kept is not None:
                self.parse_memo[(source.fspath, data)] = kept
        entries = [(source, data) for source, data in entries if (source.fspath, data) not in self.parse_memo]
        if self.workers:
            workers = self.workers
        else:  # see parallel.AUTO_MIN_CORES: below it, shipping trees back costs more than it saves
            big = sum(len(data) for _, data in entries) >= PARALLEL_MIN_BYTES
            workers = (os.cpu_count() or 1) if big and (os.cpu_count() or 1) >= AUTO_MIN_CORES else 1
        if workers > 1 and len(entries) > 1:
            parsed = parse_many(entries, workers)
            for source, data in entries:
                self.parse_memo[(source.fspath, data)] = parsed[source.rel]

    def add_error(self, error: FileError) -> None:
        if all(e.file != error.file for e in self.errors):
            self.errors.append(error)

    def parse_file(self, source: SourceFile) -> ParsedModule | None:
        if source.rel in self.parsed:
            return self.parsed[source.rel]
        self.consulted.add(source.rel)
        result = self.parse_one(source)
        if isinstance(result, FileError):
            self.add_error(result)
            return None
        self.parsed[source.rel] = result
        return result

    def parse_one(self, source: SourceFile) -> ParsedModule | FileError:
        """Parse in this process, except large files: those get a worker with a memory budget."""
        data = self.read_once(source)
        if isinstance(data, FileError):
            return data
        key = (source.fspath, data)
        if key not in self.parse_memo:
            self.parse_memo[key] = self.parse_memo.kept(source, data) or (
                parse_isolated(source, data) if len(data) >= ISOLATE_BYTES else parse(source, data))
        return self.parse_memo[key]

    def load_source(self, source: SourceFile) -> ModuleState:
        """An entry point, imported as Python imports ``a.b.c``: its parent packages first (their
        ``__init__`` may import it, and see its names, before anything else does)."""
        name = source.module_names[0] if source.module_names else source.rel
        if "." in name and self.by_name.get(name) is source:
            parents = name.split(".")[:-1]
            for index in range(len(parents)):
                parent = ".".join(parents[: index + 1])
                state = self.import_module(parent) if parent in self.by_name else None
                if isinstance(state, ModuleState):
                    self.force(state)
        return self.load_module(name, source)

    def load_module(self, name: str, source: SourceFile, lazy: bool = False) -> ModuleState:
        for known in source.module_names or (name,):
            if known in self.modules:
                return self.modules[known]
        state = ModuleState(name, source, None)
        for known in source.module_names or (name,):
            self.modules[known] = state
        if lazy:
            state.status = "lazy"
            return state
        return self.execute_module(state)

    def force(self, state: ModuleState) -> bool:
        """Run a lazily imported module now; False while peeking (the caller must not look inside)."""
        if state.status == "lazy":
            if self.peeking:
                return False
            self.execute_module(state)
        return True

    def resolve_lazy(self, value: Any) -> Any:
        for _ in range(64):  # a chain of re-exports: `from a import x` in b, `from b import x` in c
            if not isinstance(value, LazyName):
                return value
            if not self.force(value.module):
                return Unknown(f"{value.module.name}.{value.name} is not loaded")
            value = self.module_attribute(value.module, value.name)
        return Unknown("re-exported too many times")

    def execute_module(self, state: ModuleState) -> ModuleState:
        source, name = state.source, state.name
        state.parsed = self.parse_file(source)
        state.namespace["__name__"] = name
        state.namespace["__file__"] = source.fspath
        if source.is_package:
            state.namespace["__path__"] = [os.path.dirname(source.fspath)]
        if state.parsed is None:
            state.status = "done"
            return state
        state.status = "running"
        frame = Frame(state)
        try:
            for statement in state.parsed.module.body:
                state.statement = statement
                self.exec_statement(statement, frame)
        except _Return:
            pass
        except RecursionError:
            self.add_error(FileError(source.rel, "internal", "analysis stopped: code nested too deeply"))
        except Exception as exc:  # the per-module envelope: one odd file never stops the run
            self.add_error(FileError(source.rel, "internal", f"analysis failed: {type(exc).__name__}: {exc}"))
        state.status = "done"
        state.statement = None
        return state

    def import_module(self, name: str) -> ModuleState | LibSymbol:
        source = self.by_name.get(name) or installed_module(self.root, name, self.installed_seen) \
            or self.by_suffix(name)
        if source is None:
            return LibSymbol(name)
        copy = self.registry.library_copy(source.library or name, source.fspath, source.is_package, self.copies_seen)
        if copy is not None:  # a copy of a modelled library in the tree (vendored) is that library
            self.library_copies[copy[1].path] = copy[1]
            return LibSymbol(copy[0])
        if source.library is not None:  # installed into the tree (`pip install --target`): a library
            return LibSymbol(source.library)
        known = self.modules.get(name)
        if known is not None and known.source is source:
            return known
        return self.load_module(name, source, lazy=self.demand_driven and not self.needs_eager_run(source))

    def modules_in_folder(self, folder: str) -> list[tuple[str, bool]]:
        """The project modules directly in a folder (an absolute path), as ``pkgutil`` lists them:
        ``(name, is_package)`` sorted by name."""
        if self.folders is None:
            self.folders = {}
            for source in self.index:
                directory, base = os.path.split(source.fspath)
                if source.is_package:
                    directory, base = os.path.split(directory)
                elif base.endswith(".py"):
                    base = base[: -len(".py")]
                if base.isidentifier():
                    self.folders.setdefault(directory, {})[base] = source.is_package
        return sorted(self.folders.get(os.path.normpath(folder), {}).items())

    def source_at(self, path: str) -> SourceFile | None:
        """The project file at an absolute path."""
        if self.by_path is None:
            self.by_path = {source.fspath: source for source in self.index}
        return self.by_path.get(path)

    def by_suffix(self, name: str) -> SourceFile | None:
        """A project module an absolute import reaches through ``sys.path`` (a launcher that adds its
        package folder, a ``src/`` layout): the one file whose dotted path ends with the name. Not
        for the standard library or the libraries the registry models."""
        root = name.partition(".")[0]
        if root in sys.stdlib_module_names or root in self.registry.library_roots:
            return None
        if self.suffixes is None:
            self.suffixes = {}
            for source in self.by_name.values():
                for dotted in source.module_names:
                    parts = dotted.split(".")
                    for start in range(1, len(parts)):
                        self.suffixes.setdefault(".".join(parts[start:]), set()).add(source)
        found = self.suffixes.get(name, set())
        return next(iter(found)) if len(found) == 1 else None

    def needs_eager_run(self, source: SourceFile) -> bool:
        self.consulted.add(source.rel)
        data = self.read_once(source)
        return isinstance(data, FileError) or has_effects(data)

    def read_once(self, source: SourceFile) -> bytes | FileError:
        """A file's bytes, read at most once per analysis (the prefilter, the eagerness check
        and the parser all need them)."""
        if source.rel not in self.source_bytes:
            self.source_bytes[source.rel] = read(source)
        return self.source_bytes[source.rel]

    def module_attribute(self, module: ModuleState, name: str) -> Any:
        if not self.force(module):
            return Unknown(f"{module.name}.{name} is not loaded")
        if name in module.namespace:
            return self.resolve_lazy(module.namespace[name])
        if module.source.is_package and f"{module.name}.{name}" in self.by_name:
            return self.import_module(f"{module.name}.{name}")
        if module.status == "running":
            return Unknown(f"{module.name}.{name} is not defined yet (circular import)")
        return Unknown(f"{module.name}.{name} is not defined statically")

    def location(self, node: cst.CSTNode, frame: Frame) -> Location:
        """Where a node of the frame's module starts. Positions are generated for the function
        running, or the module statement running, when the node is in it; else for the module."""
        parsed = frame.module.parsed
        if parsed is None:
            return Location(frame.module.source.rel, 0, 0)
        position = None
        function = frame.function.node if frame.function is not None and frame.function.module is frame.module \
            else None
        for region in (function, frame.module.statement):
            if region is not None and position is None:
                position = parsed.positions_within(region).get(node)
        if position is None:
            position = parsed.positions.get(node)
        if position is None:
            return Location(frame.module.source.rel, 0, 0)
        return Location(frame.module.source.rel, *position)

    # ---------------------------------------------------------------- names
    def lookup(self, name: str, frame: Frame) -> Any:
        scope: Frame | None = frame
        while scope is not None:
            if scope.locals is not None and name in scope.locals and name not in scope.globals_declared:
                return scope.locals[name]
            scope = scope.parent
        if frame.function is not None:
            closure = frame.function.attrs.get("__closure__")
            if closure is not None and name in closure:
                return closure[name]
        namespace = frame.module.namespace
        if name in namespace:
            value = namespace[name]
            return self.resolve_lazy(value) if isinstance(value, LazyName) else value
        if name in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[name]
        if name in self.registry.builtins:
            return LibSymbol(f"builtins.{name}")
        return Unknown(f"name `{name}` is not defined statically")

    def bind(self, name: str, value: Any, frame: Frame) -> None:
        if frame.branching:
            previous = self.lookup(name, frame)
            if not isinstance(previous, Unknown) and previous is not value and strip_env(previous) != strip_env(value):
                value = self.merge_conditional(previous, value, frame)
        if frame.locals is not None and name not in frame.globals_declared:
            frame.locals[name] = value
        else:
            frame.module.namespace[name] = value
            self.bounds.effects += 1
        hook = self.registry.bind_hooks.get(type(value))
        if hook is not None:
            self.bounds.effects += 1
            hook(value, name)

    def merge_conditional(self, previous: Any, value: Any, frame: Frame) -> Any:
        """A name bound under an unknown condition: objects keep the new binding, data becomes unknown."""
        if isinstance(strip_env(value), (str, int, float, bool, list, tuple, set, dict, type(None))):
            return Unknown(f"value depends on `{' and '.join(frame.conditions)}`")
        return value

    def bind_target(self, target: cst.BaseExpression, value: Any, frame: Frame) -> None:
        if isinstance(target, cst.Name):
            self.bind(target.value, value, frame)
        elif isinstance(target, (cst.Tuple, cst.List)):
            plain = strip_env(value)
            elements = target.elements
            if isinstance(plain, (list, tuple)) and len(plain) == len(elements):
                for element, item in zip(elements, plain):
                    self.bind_target(element.value, rewrap(item, value), frame)
            else:
                for element in elements:
                    self.bind_target(element.value, Unknown("unpacked from a value that cannot be known"), frame)
        elif isinstance(target, cst.Attribute):
            self.assign_attribute(self.eval(target.value, frame), target.attr.value, value)
        elif isinstance(target, cst.Subscript):
            self.assign_item(target, value, frame)
        elif isinstance(target, cst.StarredElement):
            self.bind_target(target.value, Unknown("starred assignment"), frame)

    def assign_attribute(self, obj: Any, name: str, value: Any) -> None:
        self.bounds.effects += 1
        if isinstance(obj, ClassObj):
            obj.namespace[name] = value
        elif isinstance(obj, ModuleState) and self.force(obj):
            obj.namespace[name] = value
        elif (type(obj), name) in self.registry.attribute_setters:
            self.registry.attribute_setters[(type(obj), name)](self, obj, value)
        elif isinstance(obj, FunctionObj):
            obj.attrs[name] = value
        elif isinstance(obj, InstanceObj):
            obj.attrs[name] = value
        elif type(obj) in self.registry.object_types:  # `bp.auto_register = False`: the project's own attribute
            self.object_attributes.setdefault(id(obj), (obj, {}))[1][name] = value

    def assign_item(self, target: cst.Subscript, value: Any, frame: Frame) -> None:
        container = self.eval(target.value, frame)
        self.bounds.effects += 1
        if len(target.slice) != 1 or not isinstance(target.slice[0].slice, cst.Index):
            return
        key = self.eval(target.slice[0].slice.value, frame)
        if isinstance(container, LibSymbol) or isinstance(strip_env(container), Unknown):
            return
        setter = self.registry.item_setters.get(type(container))
        if setter is not None:
            setter(self, container, key, value, target, frame)
            return
        plain = strip_env(container)
        if isinstance(plain, (dict, list)):
            try:
                plain[strip_env(key)] = value
            except (TypeError, IndexError, KeyError):
                pass

    # ---------------------------------------------------------------- statements
    def exec_block(self, body, frame: Frame) -> None:
        for statement in body:
            self.exec_statement(statement, frame)

    def exec_statement(self, statement: cst.CSTNode, frame: Frame) -> None:
        self.bounds.step()
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                self.exec_small(small, frame)
            return
        if isinstance(statement, cst.IndentedBlock):
            self.exec_block(statement.body, frame)
            return
        handler = getattr(self, "_exec_" + type(statement).__name__, None)
        if handler is not None:
            handler(statement, frame)

    def exec_small(self, small: cst.CSTNode, frame: Frame) -> None:
        if isinstance(small, cst.Expr):
            self.eval(small.value, frame)
        elif isinstance(small, cst.Assign):
            value = self.eval(small.value, frame)
            for target in small.targets:
                self.bind_target(target.target, value, frame)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self.bind_target(small.target, self.eval(small.value, frame), frame)
        elif isinstance(small, cst.AugAssign):
            self.exec_augassign(small, frame)
        elif isinstance(small, cst.Import):
            self.exec_import(small, frame)
        elif isinstance(small, cst.ImportFrom):
            self.exec_import_from(small, frame)
        elif isinstance(small, cst.Return):
            value = self.eval(small.value, frame) if small.value is not None else None
            if frame.branching:
                frame.returns.append(value)
            else:
                raise _Return(value)
        elif isinstance(small, cst.Raise):
            if not frame.branching:
                raise _Return(Unknown("the function raises"))
        elif isinstance(small, cst.Global):
            frame.globals_declared.update(name.name.value for name in small.names)

    def exec_augassign(self, small: cst.AugAssign, frame: Frame) -> None:
        """``x += v``: the target and the value are evaluated once each (the value may call a
        function), in Python's order; a list extended in place stays the same list."""
        operator_name = type(small.operator).__name__.replace("Assign", "")
        fn = BINARY_OPERATORS.get(getattr(cst, operator_name, None))
        current = self.eval(small.target, frame)
        addend = self.eval(small.value, frame)
        if fn is None:
            value: Any = Unknown(f"`{self.code(small)}` cannot be evaluated statically")
        else:
            plain, extra = strip_env(current), strip_env(addend)
            if isinstance(small.target, cst.Name) and operator_name == "Add" and isinstance(plain, list) \
                    and isinstance(extra, (list, tuple)):
                plain.extend(extra)  # in-place, like Python
                self.bounds.effects += 1
                return
            value = lifted(fn, current, addend)
        self.bind_target(small.target, value, frame)

    def _exec_If(self, node: cst.If, frame: Frame) -> None:
        if _is_main_guard(node.test):  # a CLI or server entry: run it, as the script would
            self.exec_block(node.body.body, frame.under(MAIN_GUARD_CONDITION))
            self._exec_else(node, frame)  # what an import runs
            return
        raw = self.eval(node.test, frame)
        test = self.truth(raw)
        plain = strip_env(test)
        variables = sorted(set(env_vars(test)) | set(env_vars(raw)))
        unpinned = variables and not any(var in self.pinned_env for var in variables)
        if isinstance(plain, Unknown) and not unpinned:
            condition = self.code(node.test)
            self._exec_both(node, frame, condition, f"not ({condition})")
            return
        if unpinned:
            # a flag read from the environment that the policy does not pin: deployments set it
            # either way, so both branches run, each under the flag's condition
            self._exec_both(node, frame, *flag_conditions(node.test, raw, variables, self.code))
            return
        branch_frame = frame
        if isinstance(test, FromEnv):
            branch_frame = frame.under(self.env_condition(node.test, test, plain))
        if plain:
            self.exec_block(node.body.body, branch_frame)
        else:
            self._exec_else(node, branch_frame)

    def _exec_both(self, node: cst.If, frame: Frame, condition: str, negation: str) -> None:
        self.exec_block(node.body.body, frame.under(condition))
        self._exec_else(node, frame.under(negation))

    def _exec_else(self, node: cst.If, frame: Frame) -> None:
        """The ``elif`` / ``else`` of an ``if``, if it has one."""
        if isinstance(node.orelse, cst.If):
            self._exec_If(node.orelse, frame)
        elif node.orelse is not None:
            self.exec_block(node.orelse.body.body, frame)

    def env_condition(self, test: cst.BaseExpression, value: Any, truth: bool) -> str:
        variables = ", ".join(f"${var}" for var in sorted(set(env_vars(value))))
        return f"`{self.code(test)}` is {truth} with {variables} as the environment assumes"

    def _exec_For(self, node: cst.For, frame: Frame) -> None:
        iterable = self.eval(node.iter, frame)
        plain = strip_env(iterable)
        if isinstance(plain, dict):
            plain = list(plain)
        if isinstance(plain, (list, tuple, set, frozenset)) and len(plain) <= MAX_LOOP_ITERATIONS:
            for item in list(plain):
                self.bind_target(node.target, rewrap(item, iterable), frame)
                self.exec_block(node.body.body, frame)
        else:
            inner = frame.under(f"for {self.code(node.target)} in {self.code(node.iter)}")
            self.bind_target(node.target, rewrap(Unknown(f"loop variable over `{self.code(node.iter)}`"), iterable),
                             inner)  # over a value read from $VAR: still read from $VAR
            self.exec_block(node.body.body, inner)
        if node.orelse is not None:
            self.exec_block(node.orelse.body.body, frame)

    def _exec_While(self, node: cst.While, frame: Frame) -> None:
        self.exec_block(node.body.body, frame.under(f"while {self.code(node.test)}"))

    def _exec_With(self, node: cst.With, frame: Frame) -> None:
        for item in node.items:
            value = self.eval(item.item, frame)
            if item.asname is not None:
                kept = type(value) in self.registry.with_targets  # `__enter__` returns the object itself
                self.bind_target(item.asname.name, value if kept else Unknown("with target"), frame)
        self.exec_block(node.body.body, frame)

    def _exec_Try(self, node: cst.Try, frame: Frame) -> None:
        self.exec_block(node.body.body, frame)
        if node.orelse is not None:
            self.exec_block(node.orelse.body.body, frame)
        if node.finalbody is not None:
            self.exec_block(node.finalbody.body.body, frame)

    _exec_TryStar = _exec_Try

    def _exec_Match(self, node: cst.Match, frame: Frame) -> None:
        subject = self.code(node.subject)
        for case in node.cases:
            self.exec_block(case.body.body, frame.under(f"match {subject} case {self.code(case.pattern)}"))

    def _exec_FunctionDef(self, node: cst.FunctionDef, frame: Frame) -> None:
        decorators = [self.eval(d.decorator, frame) for d in node.decorators]
        defaults: dict[str, Any] = {}
        for param in list(node.params.params) + list(node.params.kwonly_params) + list(node.params.posonly_params):
            if param.default is not None:
                defaults[param.name.value] = self.eval(param.default, frame)
        function = FunctionObj(node=node, module=frame.module, name=node.name.value, defaults=defaults)
        self.function_objects.setdefault(id(node), []).append(function)
        if frame.locals is not None:
            closure = dict(frame.module.namespace)
            closure.update(frame.locals)
            function.attrs["__closure__"] = closure
        elif frame.module.status == "running":
            self.functions.append(function)
        if frame.function is None and frame.locals is not None and frame.parent is None and frame.module.status == "running":
            self.methods.append(function)  # a method in a class body: a possible entry point (setUp)
        value: Any = function
        for decorator, decorator_node in zip(reversed(decorators), reversed(node.decorators)):
            value = self.apply_decorator(decorator, value, decorator_node, frame)
        self.bind(node.name.value, value, frame)

    def _exec_ClassDef(self, node: cst.ClassDef, frame: Frame) -> None:
        decorators = [self.eval(d.decorator, frame) for d in node.decorators]  # evaluated before the body, as Python does
        # `class CKANRequest(LocalProxy[Request])`: a generic base is its class
        bases = [self.eval(arg.value.value if isinstance(arg.value, cst.Subscript) else arg.value, frame)
                 for arg in node.bases if arg.keyword is None]
        cls = ClassObj(node=node, name=node.name.value, namespace={}, bases=bases, module=frame.module)
        body_frame = Frame(frame.module, cls.namespace, frame.conditions, frame.function, set(), [], frame.depth,
                           frame if frame.locals is not None else None)
        try:
            self.exec_block(node.body.body, body_frame)
        except _Return:
            pass
        self.bounds.effects += 1
        for hook in self.registry.class_hooks:
            hook(self, cls)
        if self.registry.application_classes & {self.canonical(b) for b in self.lib_bases(cls)}:
            self.app_class_names.add(cls.name)
            self.project_app_classes.add(cls.name)
        for value in cls.namespace.values():
            if isinstance(value, FunctionObj):
                self.classes[id(value)] = cls
        value: Any = cls
        for decorator, decorator_node in zip(reversed(decorators), reversed(node.decorators)):
            value = self.apply_decorator(decorator, value, decorator_node, frame)  # `@ns.route("/x")` on a view
        self.bind(node.name.value, value, frame)

    # ---------------------------------------------------------------- imports
    def exec_import(self, node: cst.Import, frame: Frame) -> None:
        for alias in node.names:
            dotted = _dotted(alias.name)
            parts = dotted.split(".")
            if alias.asname is not None:
                target = self.import_dotted(parts)
                self.bind_target(alias.asname.name, target, frame)
            else:
                self.import_dotted(parts)
                self.bind(parts[0], self.import_module(parts[0]), frame)

    def import_dotted(self, parts: list[str]) -> Any:
        result: Any = None
        for index in range(len(parts)):
            result = self.import_module(".".join(parts[: index + 1]))
        return result

    def exec_import_from(self, node: cst.ImportFrom, frame: Frame) -> None:
        base = self.resolve_from_base(node, frame)
        if base is None:
            names = node.names if not isinstance(node.names, cst.ImportStar) else []
            for alias in names:
                bound = alias.asname.name if alias.asname else alias.name
                self.bind_target(bound, Unknown("relative import outside the scanned tree"), frame)
            return
        module = self.import_dotted(base.split("."))
        if isinstance(node.names, cst.ImportStar):
            if isinstance(module, ModuleState) and self.force(module):
                for key, value in list(module.namespace.items()):
                    if not key.startswith("_"):
                        self.bind(key, value, frame)
            elif isinstance(module, LibSymbol):
                for key in self.registry.star_exports.get(module.qualname, ()):
                    self.bind(key, LibSymbol(f"{module.qualname}.{key}"), frame)
            return
        for alias in node.names:
            name = _dotted(alias.name)
            if isinstance(module, ModuleState) and module.status == "lazy" and frame.locals is None:
                submodule = self.by_name.get(f"{base}.{name}")
                value = self.import_module(f"{base}.{name}") if submodule else LazyName(module, name)
            elif isinstance(module, ModuleState):
                value = self.module_attribute(module, name)
            else:
                value = self.import_module(f"{module.qualname}.{name}")  # a name, or a submodule
            bound = alias.asname.name if alias.asname else alias.name
            self.bind_target(bound, value, frame)

    def resolve_from_base(self, node: cst.ImportFrom, frame: Frame) -> str | None:
        module_name = _dotted(node.module) if node.module is not None else ""
        level = len(node.relative)
        if level == 0:
            return module_name
        package = frame.module.name if frame.module.source.is_package else frame.module.name.rpartition(".")[0]
        return relative_module(package, level, module_name)

    # ---------------------------------------------------------------- calls
    def canonical(self, qualname: str) -> str:
        return self.registry.canonical(qualname)

    def library_arguments(self, args: list[Any], kwargs: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        """Arguments a library call receives: a lazily imported name (a blueprint a function's
        closure captured before its module ran) is resolved, as the library would use it."""
        if not any(isinstance(v, LazyName) for v in [*args, *kwargs.values()]):
            return args, kwargs
        return ([self.resolve_lazy(a) if isinstance(a, LazyName) else a for a in args],
                {k: self.resolve_lazy(v) if isinstance(v, LazyName) else v for k, v in kwargs.items()})

    def call(self, func: Any, args: list[Any], kwargs: dict[str, Any], node: cst.Call, frame: Frame,
             unknown_star: list[str]) -> Any:
        if isinstance(func, LibSymbol):
            args, kwargs = self.library_arguments(args, kwargs)
            self.bounds.effects += 1  # a library call may record a route, a site, a config write
            handler = self.registry.function(func.qualname)
            name = self.canonical(func.qualname)
            if handler is None:
                for hook in self.registry.unmodelled_call_hooks:  # e.g. an extension that may add routes
                    hook(Call(self, args, kwargs, node, frame, unknown_star, name))
                return Unknown(f"call to {name}() cannot be evaluated statically")
            return handler(Call(self, args, kwargs, node, frame, unknown_star, name))
        if isinstance(func, BoundMethod):
            return self.call_method(func, args, kwargs, node, frame, unknown_star)
        if isinstance(func, FunctionObj):
            if unknown_star:
                return Unknown(f"call to {func.name}() with arguments that cannot be known")
            return self.call_function(func, args, kwargs, frame)
        if isinstance(func, ClassObj):
            return self.instantiate(func, args, kwargs, node, frame, unknown_star)
        if type(func) in self.registry.decorator_types and len(args) == 1:  # `route(...)(view)`
            self.bounds.effects += 1
            return self.apply_decorator(func, args[0], node, frame)
        called = self.registry.methods.get((type(func), "__call__"))
        if called is not None:  # an object a model made that is callable (``functools.partial``)
            return called(func, "__call__", Call(self, args, kwargs, node, frame, unknown_star))
        return rewrap(Unknown(f"call `{self.code(node.func)}(...)` cannot be evaluated statically"), func)

    def instantiate(self, cls: ClassObj, args, kwargs, node, frame: Frame, unknown_star: list[str]) -> Any:
        """A project class: a library's constructor when it subclasses one that the registry
        models with its subclasses (``flask.Flask~Subclass``), else an instance whose
        ``__init__`` runs."""
        bases = {self.canonical(b) for b in self.lib_bases(cls)}
        for base, handler in self.registry.subclass_constructors.items():
            if base in bases:
                self.bounds.effects += 1
                made = handler(Call(self, args, kwargs, node, frame, unknown_star, base))
                if type(made) in self.registry.object_types:
                    self.project_classes[id(made)] = (made, cls)
                    self.run_project_init(cls, made, args, kwargs, frame, unknown_star)
                return made
        instance = InstanceObj(cls)
        init = self.class_attribute(cls, "__init__")
        if isinstance(init, FunctionObj) and not unknown_star:
            self.call_function(init, [instance, *args], kwargs, frame)
        return instance

    def run_project_init(self, cls: ClassObj, made: Any, args, kwargs, frame: Frame, unknown_star: list[str]) -> None:
        """A project subclass's own ``__init__`` (``class KnowledgeFlask(Flask)`` that registers its
        blueprints on ``self``) runs on the object the library's constructor made; its call of the
        library's ``__init__`` through ``super()`` is the constructor already modelled."""
        init = next((klass.namespace["__init__"] for klass in self.mro(cls) if "__init__" in klass.namespace), None)
        if isinstance(init, FunctionObj):  # with `*args` that cannot be known, its parameters are unknown
            self.call_function(init, [made] if unknown_star else [made, *args], {} if unknown_star else kwargs, frame)

    def call_method(self, method: BoundMethod, args, kwargs, node, frame: Frame, unknown_star: list[str]) -> Any:
        obj, name = method.obj, method.name
        if method.function is not None:
            if unknown_star:
                return Unknown(f"call to {name}() with arguments that cannot be known")
            bound = [] if method.function.attrs.get("staticmethod") else [obj]
            return self.call_function(method.function, [*bound, *args], kwargs, frame)
        plain = strip_env(obj)
        handler = self.registry.method(plain, name)
        if handler is not None:
            self.bounds.effects += 1
            args, kwargs = self.library_arguments(args, kwargs)
            return handler(plain, name, Call(self, args, kwargs, node, frame, unknown_star))
        changed, result = in_place_method(plain, name, args, kwargs)
        if changed:
            self.bounds.effects += 1
            return result
        if isinstance(plain, str):
            if not all(is_text_data(strip_env(value)) for value in [*args, *kwargs.values()]):
                return rewrap(Unknown(f"str.{name}() of a value that cannot be known"), obj, *args)
            return lifted(lambda s, *a, **k: getattr(s, name)(*a, **k), obj, *args, **{}) if not kwargs else \
                lifted(lambda s, *a: getattr(s, name)(*a, **{k: strip_env(v) for k, v in kwargs.items()}), obj, *args)
        if isinstance(plain, (dict, list, set)):
            return lifted(lambda d, *a: getattr(d, name)(*a), obj, *args)
        return Unknown(f"method .{name}() cannot be evaluated statically")

    def apply_decorator(self, decorator: Any, value: Any, node: cst.CSTNode, frame: Frame) -> Any:
        """``@decorator`` on ``value``: what the registry says; a decorator it does not know is
        assumed to keep the function (as ``functools.wraps`` does) and noted on it."""
        if isinstance(decorator, LibSymbol):
            handler = self.registry.decorator(decorator, decorator.qualname)
        elif isinstance(decorator, BoundMethod):
            handler = self.registry.decorator_methods.get((type(decorator.obj), decorator.name))
        else:
            handler = self.registry.decorator(decorator)
        if handler is not None:
            self.bounds.effects += 1
            return handler(self, decorator, value, node, frame)
        if isinstance(value, FunctionObj):
            value.attrs.setdefault("unknown_decorators", []).append(self.code(getattr(node, "decorator", node)))
        return value

    def run_entry_function(self, function: FunctionObj, args: list[Any], frame: Frame) -> Any:
        """A function run as an entry point (a command, an uncalled factory): its own step budget."""
        self.bounds.begin_entry()
        return self.call_function(function, args, {}, frame)

    def call_function(self, function: FunctionObj, args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        """Inline a call of a project function, within the bounds of ``engine.interpreter.bounds``: a summary
        of an earlier run with the same arguments is reused, recursion and an exhausted step
        budget give an unknown result."""
        if frame.depth >= MAX_CALL_DEPTH:
            return Unknown(f"call to {function.name}() nested too deeply to follow")
        function.called = True
        bounds = self.bounds
        bounds.step()
        keyed = call_key(function.node, args, kwargs)
        key = keyed[0] if keyed is not None else None
        if bounds.recursion(function.node, key):
            return Unknown(f"recursion in {function.name}() ({self.function_place(function)})")
        summary = bounds.summaries.get(key) if key is not None else None
        if summary is not None and not summary.had_effects and summary.effects_after == bounds.effects:
            return summary.result  # nothing it could observe changed since: the same run again
        if summary is not None and summary.runs >= REPEAT_RUNS:  # its effects are recorded: reuse what it returned
            return _single(summary.results, function.name)
        if bounds.exhausted:
            self.note_function(function, f"the analysis step budget ({bounds.step_budget:,} steps) ran out: "
                                         f"calls to {function.name}() were not followed, their results are unknown")
            return Unknown(f"call to {function.name}() not followed: the analysis step budget ran out")
        if summary is None and keyed is not None:
            summary = bounds.summaries[key] = Summary(keyed[1])
        effects_before = bounds.effects
        bounds.stack.append((id(function.node), key))
        try:
            result = self._run_function(function, args, kwargs, frame)
        finally:
            bounds.stack.pop()
        if summary is not None:
            summary.runs += 1
            summary.result = result
            summary.results.append(result)
            summary.had_effects = summary.had_effects or bounds.effects != effects_before
            summary.effects_after = bounds.effects
        return result

    def _run_function(self, function: FunctionObj, args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        params = function.node.params
        local: dict[str, Any] = {}
        positional = list(params.posonly_params) + list(params.params)
        for index, param in enumerate(positional):
            name = param.name.value
            if index < len(args):
                local[name] = args[index]
            elif name in kwargs:
                local[name] = kwargs[name]
            elif name in function.defaults:
                local[name] = function.defaults[name]
            else:
                local[name] = Unknown(f"parameter `{name}` of {function.name}()")
        for param in params.kwonly_params:
            name = param.name.value
            local[name] = kwargs.get(name, function.defaults.get(name, Unknown(f"parameter `{name}`")))
        if isinstance(params.star_arg, cst.Param):
            local[params.star_arg.name.value] = tuple(args[len(positional):])
        if params.star_kwarg is not None:
            known = {p.name.value for p in positional} | {p.name.value for p in params.kwonly_params}
            local[params.star_kwarg.name.value] = {k: v for k, v in kwargs.items() if k not in known}
        module = function.module
        body_frame = Frame(module, local, frame.conditions, function, set(), [], frame.depth + 1,
                           settled=len(frame.conditions))
        body = self.definition(function).body
        try:
            if isinstance(body, cst.IndentedBlock):
                self.exec_block(body.body, body_frame)
            else:
                for small in body.body:
                    self.exec_small(small, body_frame)
        except _Return as returned:
            candidates = body_frame.returns + [returned.value]
            return _single(candidates, function.name)
        if body_frame.returns:
            return _single(body_frame.returns + [None], function.name)
        return None

    @staticmethod
    def definition(function: FunctionObj) -> cst.FunctionDef:
        """The function as written (its module may be a skeleton, its body a stub: see ``skeleton``)."""
        parsed = function.module.parsed
        return parsed.definition(function.node) if parsed is not None else function.node

    def function_place(self, function: FunctionObj) -> str:
        """``file:line`` of a function's definition (its first decorator), without positions."""
        parsed = function.module.parsed
        line = parsed.function_line(function.node) if parsed is not None else None
        return f"{function.module.source.rel}:{line or 0}"

    def note_function(self, function: FunctionObj, message: str) -> None:
        file, _, line = self.function_place(function).rpartition(":")
        self.bounds.note(file, int(line), function.name, message)

    def run_commands(self, commands: list[EntryPoint]) -> None:
        """Console scripts (``[project.scripts] serve = "pkg.cli:main"``): run each function as
        its command would, with its parameters at their defaults."""
        for command in commands:
            if command.module not in self.by_name:
                continue
            module = self.import_module(command.module)
            if not isinstance(module, ModuleState) or not self.force(module):
                continue
            target: Any = module
            for part in command.attribute.split("."):
                target = self.module_attribute(target, part) if isinstance(target, ModuleState) else \
                    self.get_attribute(target, part)
            if isinstance(target, FunctionObj) and not target.called:
                frame = Frame(target.module).under(f"the command `{command.name}` ({command.declared_in}) runs")
                self.run_entry_function(target, [], frame)

    def run_uncalled_configurators(self) -> None:
        """Functions that take an app and configure it (``def standalone(app): api.init_app(app)``)
        but that nothing in the tree calls: a plugin loader or a server entry calls them, so they
        run once for each app the project builds, under a condition that says so."""
        apps = self.apps[:MAX_APPS_PER_CONFIGURATOR]
        for function in list(self.functions) + list(self.methods):
            if function.called or function.registered_as_route or not apps:
                continue
            cls = self.classes.get(id(function))  # a method (`def register_blueprints(self, app)`)
            bound = [InstanceObj(cls)] if cls is not None and not function.attrs.get("staticmethod") else []
            parameter = _first_required_parameter(function.node, skip=len(bound))
            if parameter is None or not self.mentions_entry_names(function) or \
                    not self.function_mentions(function, self.registry.effect_names | {"config"}) or \
                    not self._configures(function, parameter):
                continue
            name = f"{cls.name}.{function.name}" if bound else function.name
            for app in _nearest_apps(function.module.source.rel, apps):
                frame = Frame(function.module).under(
                    f"`{name}({parameter})` is called with this app (nothing in the project calls it)")
                self.run_entry_function(function, [*bound, app], frame)

    def run_uncalled_with_effects(self) -> None:
        """Other functions nothing in the tree calls whose code registers routes, hooks or CORS (a
        CLI handler wired through argparse, a plugin's setup hook, a method a framework calls): they
        may run, so they run once, with their parameters unknown (a method's ``self``: an instance
        of its class), under a condition that says so. A function whose effects are in functions it
        defines (a plugin's ``commands()`` defining the command's handler) runs too, so that those
        are defined, and then run in the next round. Test code is left out."""
        done: set[int] = set()
        for _ in range(MAX_NESTED_ROUNDS):
            pending = [function for group in list(self.function_objects.values()) for function in group
                       if id(function) not in done and self._may_have_effects(function)]
            if not pending:
                return
            for function in pending:
                done.add(id(function))
                if function.called:
                    continue
                cls = self.classes.get(id(function))
                args = [InstanceObj(cls)] if cls is not None and not function.attrs.get("staticmethod") \
                    and _first_required_parameter(function.node) is not None else []
                name = f"{cls.name}.{function.name}" if cls is not None else function.name
                frame = Frame(function.module).under(f"`{name}()` runs (nothing in the project calls it)")
                self.run_entry_function(function, args, frame)

    def _may_have_effects(self, function: FunctionObj) -> bool:
        """An uncalled project function (not a view, not test code) whose own code, or that of the
        functions it defines, calls one of the registry's entry names."""
        if function.called or function.registered_as_route or function.module.parsed is None or \
                is_test_module(function.module.source.rel):
            return False
        if not self.mentions_entry_names(function) or not self.function_mentions(function, self.registry.effect_names):
            return False
        facts = self.facts(function)
        return bool(facts.called & self.registry.effect_names) or facts.defines_functions

    def _configures(self, function: FunctionObj, parameter: str) -> bool:
        """Does the function configure its parameter: call one of the registry's entry names on it
        (``app.register_blueprint(...)``) or with it (``CORS(app)``, ``api.init_app(app)``), or
        touch its ``config``?"""
        facts = self.facts(function)
        entries = self.registry.effect_names
        return (any(owner == parameter and name in entries for owner, name in facts.method_calls)
                or any(argument == parameter and name in entries for name, argument in facts.calls_with)
                or (parameter, "config") in facts.attributes)

    def mentions_entry_names(self, function: FunctionObj) -> bool:
        """A cheap first look: does the function's module call any of the registry's entry names?"""
        return any(self.module_contains(function, f"{name}(".encode()) for name in self.registry.effect_names)

    def function_mentions(self, function: FunctionObj, names) -> bool:
        """Does the function's own text (decorators to last line) contain one of ``names``? True
        when its text is not known. A cheap test before its tree is walked for facts."""
        parsed = function.module.parsed
        text = parsed.function_text(function.node) if parsed is not None else None
        return text is None or any(name.encode() in text for name in names)

    def module_contains(self, function: FunctionObj, text: bytes) -> bool:
        """Does the text of the function's module contain ``text``? (Kept per module and text: the
        uncalled-function passes ask it for every function of a module.)"""
        parsed = function.module.parsed
        if parsed is None:
            return False
        key = (parsed.source.rel, text)
        if key not in self.module_texts:
            self.module_texts[key] = text in parsed.data
        return self.module_texts[key]

    def facts(self, function: FunctionObj) -> FunctionFacts:
        """What a function's body calls and uses, from one walk of its tree (kept per function)."""
        known = self.function_facts.get(id(function.node))
        if known is None or known[0] is not function.node:
            known = self.function_facts[id(function.node)] = (function.node,
                                                              FunctionFacts.of(self.definition(function)))
        return known[1]

    def run_uncalled_factories(self) -> None:
        """App factories (``def create_app(): app = Flask(...)``) that nothing in the tree calls.

        An app is what a constructor among the registry's ``application_classes`` builds.

        They are what ``flask --app pkg:create_app`` or a WSGI server would call, so they
        run as entry points, with their parameters at their defaults.
        """
        for function in list(self.functions):
            if function.called or function.registered_as_route:
                continue
            if self.creates_app(function):
                self.run_entry_function(function, [], Frame(function.module))
        self.run_uncalled_wrapping_factories()
        for method in list(self.methods):  # e.g. TestCase.setUp(self): self.app = Flask(__name__)
            cls = self.classes.get(id(method))
            if cls is None or method.called or not self.creates_app(method):
                continue
            self.run_entry_function(method, [InstanceObj(cls)], Frame(method.module))

    def run_uncalled_wrapping_factories(self) -> None:
        """Factories that build their app through another project factory (``def create_app():
        return factory.create_app(blueprints=WEB_BLUEPRINTS)``) and that nothing calls: the web app
        a WSGI server builds, while the inner factory may be called only by a worker (lemur)."""
        factories = {f.name: f for f in self.functions if self.creates_app(f)}
        if not factories:
            return
        for function in list(self.functions):
            if function.called or function.registered_as_route or id(function) in {id(f) for f in factories.values()}:
                continue
            if not self.function_mentions(function, factories) or not (self.facts(function).called & factories.keys()):
                continue
            params = function.node.params
            if any(p.default is None for p in [*params.posonly_params, *params.params, *params.kwonly_params]):
                continue  # a factory is called with its defaults (a handler taking `args` is not one)
            frame = Frame(function.module)
            with self.peek():
                callees = [self.eval(call.func, frame) for call in self.facts(function).calls
                           if isinstance(call.func, (cst.Name, cst.Attribute))]
            if any(isinstance(callee, FunctionObj) and factories.get(callee.name) is callee for callee in callees):
                self.run_entry_function(function, [], frame)

    def creates_app(self, function: FunctionObj) -> bool:
        """Does the function construct an application (``Flask(...)`` or a subclass)? A look only:
        no lazy module is loaded."""
        if not any(self.module_contains(function, name.encode()) for name in self.app_class_names):
            return False  # cheap: the module never names an app class
        if not self.function_mentions(function, self.app_class_names):
            return False  # nor does the function's text
        if not (self.facts(function).called & self.app_class_names):
            return False  # nor does the function call one
        with self.peek():
            return self._constructs_application(function)

    @contextmanager
    def peek(self):
        """Evaluate without loading lazy modules: for questions only modules that mention Flask
        can answer (is this ``flask.Flask``?), and those are never lazy."""
        before, self.peeking = self.peeking, True
        try:
            yield
        finally:
            self.peeking = before

    def _constructs_application(self, function: FunctionObj) -> bool:
        frame = Frame(function.module)
        applications = self.registry.application_classes
        for call in self.facts(function).calls:
            callee = self.eval(call.func, frame) if isinstance(call.func, (cst.Name, cst.Attribute)) else None
            if isinstance(callee, LibSymbol) and self.canonical(callee.qualname) in applications:
                return True
            if isinstance(callee, ClassObj) and applications & {self.canonical(b) for b in self.lib_bases(callee)}:
                return True
            if isinstance(strip_env(callee), Unknown) and isinstance(call.func, cst.Attribute) \
                    and call.func.attr.value in self.project_app_classes:
                return True  # `app.KnowledgeFlask(...)` through a module the function imports itself
        return False


def flag_conditions(test: cst.BaseExpression, raw: Any, variables: list[str], code) -> tuple[str, str]:
    """How a reviewer reads both sides of a test on the environment: ``$ENABLE_CORS is set`` /
    ``$ENABLE_CORS is not set`` for a value read as is, else the test's code and its variables."""
    names = " / ".join(f"${var}" for var in variables)
    node, negated = test, False
    while isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        node, negated = node.expression, not negated
    as_read = isinstance(raw, FromEnv) and raw.as_read
    read_as_is = isinstance(node, (cst.Call, cst.Subscript)) or as_read if negated else \
        isinstance(strip_env(raw), (str, type(None))) or as_read
    if not read_as_is:
        return (f"`{code(test)}` is true ({names} from the environment)",
                f"`{code(test)}` is false ({names} from the environment)")
    is_set, is_not_set = f"{names} is set", f"{names} is not set"
    if as_read and not isinstance(strip_env(raw), (str, type(None))):  # a default of False, 0, []: not what is read
        is_set += ' (to any non-empty value: "false" and "0" included)'
    return (is_not_set, is_set) if negated else (is_set, is_not_set)


def _nearest_apps(rel: str, apps: list[Any]) -> list[Any]:
    """The apps an uncalled configurator in file ``rel`` is run with: those built in the same
    file, else in the same folder, else every app. A service module that builds its app and has
    a `register_blueprints(self, app)` is called with that app; running it with another service's
    app too would register two blueprints of one name there (Flask refuses the second)."""
    same_file = [app for app in apps if app.location.file == rel]
    if same_file:
        return same_file
    folder = rel.rpartition("/")[0]
    return [app for app in apps if app.location.file.rpartition("/")[0] == folder] or apps


def _first_required_parameter(node: cst.FunctionDef, skip: int = 0) -> str | None:
    """The name of a function's only required positional parameter (after the first ``skip``:
    a method's ``self``), if it has exactly one."""
    params = (list(node.params.posonly_params) + list(node.params.params))[skip:]
    required = [p for p in params if p.default is None]
    if len(required) != 1 or params[0] is not required[0]:
        return None
    return required[0].name.value


def _is_main_guard(test: cst.BaseExpression) -> bool:
    """``__name__ == "__main__"`` (either way round)."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    if not isinstance(target.operator, cst.Equal):
        return False
    sides = (test.left, target.comparator)
    names = [s for s in sides if isinstance(s, cst.Name) and s.value == "__name__"]
    strings = [s for s in sides if isinstance(s, cst.SimpleString) and s.evaluated_value == "__main__"]
    return len(names) == 1 and len(strings) == 1


def _dotted(node: cst.BaseExpression) -> str:
    """``a.b.c`` of an import statement's name, without generating code."""
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return node.value if isinstance(node, cst.Name) else cst.Module([]).code_for_node(node).replace(" ", "")


_NESTED_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


@dataclass(frozen=True)
class FunctionFacts:
    """Names a function body (not its nested functions or classes) calls, names whose attributes it
    uses, and names it passes as arguments: enough to decide, without evaluating it, whether it
    may build or configure an app."""

    called: frozenset[str]  # the last part of each callee: `Flask`, `register_blueprint`
    calls: tuple[cst.Call, ...]  # the calls themselves
    method_calls: frozenset[tuple[str, str]]  # (name, method) for `name.method(...)`
    calls_with: frozenset[tuple[str, str]]  # (callee's last part, name) for `callee(..., name, ...)`
    attributes: frozenset[tuple[str, str]]  # (name, attribute) for `name.attribute`
    defines_functions: bool = False  # does the body define a function (a handler it hands on)?

    @classmethod
    def of(cls, node: cst.FunctionDef) -> FunctionFacts:
        called, method_calls, calls_with, attributes = set(), set(), set(), set()
        calls: list[cst.Call] = []
        defines = False
        stack: list[cst.CSTNode] = [node.body]
        while stack:  # exact type tests: isinstance() on libcst's abstract node classes is slow
            current = stack.pop()
            kind = type(current)
            if kind in _NESTED_SCOPES:
                defines = defines or kind is cst.FunctionDef
                continue
            if kind is cst.Call:
                calls.append(current)
                func = current.func
                name = func.value if type(func) is cst.Name else func.attr.value if type(func) is cst.Attribute else None
                if name is not None:
                    called.add(name)
                    calls_with.update((name, arg.value.value) for arg in current.args if type(arg.value) is cst.Name)
                if type(func) is cst.Attribute and type(func.value) is cst.Name:
                    method_calls.add((func.value.value, func.attr.value))
            elif kind is cst.Attribute and type(current.value) is cst.Name:
                attributes.add((current.value.value, current.attr.value))
            stack.extend(children(current))
        return cls(frozenset(called), tuple(calls), frozenset(method_calls), frozenset(calls_with),
                   frozenset(attributes), defines)


def _common_path_suffix(candidates: list[Any]) -> str | None:
    """The end that strings returned on every path share, from a ``/`` on (``/<org>/api/x`` and
    ``/api/x`` share ``/api/x``); None when they are not all strings or share no such end."""
    texts = [strip_env(candidate) for candidate in candidates]
    if not all(isinstance(text, str) for text in texts):
        return None
    common = os.path.commonprefix([text[::-1] for text in texts])[::-1]
    start = common.find("/")
    return common[start:] if start >= 0 and common[start:] != "/" else None


def _single(candidates: list[Any], name: str) -> Any:
    """What a function returns, from the values its paths return. The same value on every path
    is that value; a value returned on one path where the others return nothing or unknown is
    that value (an app a factory builds, the config's fallback), marked with the environment
    variables any other path read: a helper returning ``os.getenv(key)`` or a default is the
    default "read from $KEY" (an ``if`` on it then runs both ways), never the default alone.
    An empty container beside an unknown value that no variable explains is no such value (``if
    found is None: return []`` then ``return sorted(found)``: what the other path returns is not
    known to be empty); beside a value read from $VAR it is the code's (empty) fallback.
    Different values on different paths are unknown (with the end strings share, if any)."""
    first = candidates[0]
    if all(c is first or (not isinstance(c, Unknown) and strip_env(c) == strip_env(first)) for c in candidates):
        return first
    variables = list(dict.fromkeys(var for candidate in candidates for var in env_vars(candidate)))
    objects = [c for c in candidates if not isinstance(strip_env(c), (Unknown, type(None)))]
    empty = len(objects) == 1 and strip_env(objects[0]) in ([], (), {}, set(), "")
    if len(objects) == 1 and not (empty and not variables and any(isinstance(c, Unknown) for c in candidates)):
        result: Any = strip_env(objects[0])
    else:
        result = Unknown(f"{name}() returns different values on different paths", _common_path_suffix(candidates))
    for var in reversed(variables):
        result = FromEnv(var, result)
    return result
