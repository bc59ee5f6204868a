/**
 * Issue 14 #4: every type and enum the public API mentions is exported from the package root, so a user never
 * deep-imports from lib/ (as `Language` for `Instrumentation.inject()` had to be). The TypeScript compiler walks
 * what src/index.ts exports (class members, function signatures, interface properties, type aliases) and lists
 * the named types of ours it reaches that the root does not export: API Extractor's "forgotten export".
 */
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
const ENTRY = path.join(ROOT, 'src', 'index.ts');

function forgottenExports(): string[] {
  const program = ts.createProgram([ENTRY], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const entry = program.getSourceFile(ENTRY)!;
  const resolve = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  const rootExports = checker.getExportsOfModule(checker.getSymbolAtLocation(entry)!);
  const exported = new Set(rootExports.map(resolve));
  // `export type * as crd from './apis'`: what a namespace export holds is reachable as crd.X (and crd.core.X)
  const addNamespace = (module: ts.Symbol): void => {
    for (const inner of checker.getExportsOfModule(module)) {
      const target = resolve(inner);
      if (exported.has(target)) continue;
      exported.add(target);
      if (target.flags & ts.SymbolFlags.ValueModule) addNamespace(target);
    }
  };
  for (const s of rootExports) {
    const target = resolve(s);
    if (target.flags & ts.SymbolFlags.ValueModule) addNamespace(target);
  }

  const ours = (d: ts.Declaration) => {
    const file = d.getSourceFile().fileName;
    return file.startsWith(path.join(ROOT, 'src')) || file.startsWith(path.join(ROOT, 'imports'));
  };
  const forgotten = new Map<string, string>();
  const seenTypes = new Set<ts.Type>();
  const seenSymbols = new Set<ts.Symbol>();

  function visitSymbol(symbol: ts.Symbol, via: string): void {
    if (seenSymbols.has(symbol)) return;
    seenSymbols.add(symbol);
    for (const decl of symbol.declarations ?? []) {
      if (!ours(decl)) continue;
      // private and #private members are not part of the API
      if (ts.getCombinedModifierFlags(decl) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
      if ((decl as ts.NamedDeclaration).name && ts.isPrivateIdentifier((decl as ts.NamedDeclaration).name!)) continue;
      // @internal members are stripped from the declarations (stripInternal)
      if (ts.getJSDocTags(decl).some((t) => t.tagName.text === 'internal')) continue;
      visitType(checker.getTypeOfSymbolAtLocation(symbol, decl), `${via}`);
      if (ts.isTypeAliasDeclaration(decl) || ts.isInterfaceDeclaration(decl) || ts.isClassDeclaration(decl)) {
        visitType(checker.getDeclaredTypeOfSymbol(symbol), via);
      }
    }
  }

  function visitType(type: ts.Type, via: string): void {
    if (seenTypes.has(type)) return;
    seenTypes.add(type);
    const named = type.aliasSymbol ?? type.getSymbol();
    if (named) {
      const decls = (named.declarations ?? []).filter(ours);
      const isNamedKind = decls.some((d) => ts.isInterfaceDeclaration(d) || ts.isClassDeclaration(d) || ts.isEnumDeclaration(d) || ts.isTypeAliasDeclaration(d) || ts.isEnumMember(d));
      const member = decls.find(ts.isEnumMember);
      const target = member ? checker.getSymbolAtLocation(member.parent.name) ?? named : named;
      if (isNamedKind && !exported.has(target) && !forgotten.has(target.getName())) forgotten.set(target.getName(), via);
    }
    for (const t of type.aliasTypeArguments ?? []) visitType(t, via);
    if (type.isUnionOrIntersection()) type.types.forEach((t) => visitType(t, via));
    if (type.flags & ts.TypeFlags.Object) {
      const obj = type as ts.ObjectType;
      if (obj.objectFlags & ts.ObjectFlags.Reference) checker.getTypeArguments(obj as ts.TypeReference).forEach((t) => visitType(t, via));
      for (const sig of [...type.getCallSignatures(), ...type.getConstructSignatures()]) {
        for (const p of sig.getParameters()) visitType(checker.getTypeOfSymbol(p), `${via}(${p.getName()})`);
        visitType(sig.getReturnType(), `${via}()`);
      }
      for (const prop of type.getProperties()) visitSymbol(prop, `${via}.${prop.getName()}`);
      const index = type.getStringIndexType();
      if (index) visitType(index, `${via}[]`);
    }
  }

  for (const s of rootExports) {
    const target = resolve(s);
    if (target.flags & ts.SymbolFlags.ValueModule) {
      // a type-only namespace (crd): its types are the API, its values cannot be called through it
      for (const inner of checker.getExportsOfModule(target).map(resolve)) {
        if (inner.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Class | ts.SymbolFlags.Enum)) {
          visitType(checker.getDeclaredTypeOfSymbol(inner), `${s.getName()}.${inner.getName()}`);
        }
      }
      continue;
    }
    visitSymbol(target, s.getName());
    if (target.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)) visitType(checker.getDeclaredTypeOfSymbol(target), s.getName());
  }
  return [...forgotten].map(([name, via]) => `${name} (reached through ${via})`).sort();
}

describe('the package root exports every type the public API mentions', () => {
  test('no forgotten exports', () => {
    expect(forgottenExports()).toEqual([]);
  });
});
