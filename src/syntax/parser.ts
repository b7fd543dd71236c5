/**
 * The EQL grammar (spec §3) as a chevrotain CstParser. The grammar is pure: it builds a CST and
 * `to-ast.ts` turns it into the AST. Rule names follow grammar/eql.ebnf, except that the operator
 * levels are one flat `expression` (see there).
 */
import { CstParser, type IOrAlt, tokenMatcher } from "chevrotain";
import { grammarChecks } from "./checks.js";
import { errorMessageProvider } from "./messages.js";
import * as T from "./tokens.js";

/**
 * The EQL CST parser; use the shared `eqlParser` instance rather than constructing another. Each
 * OR's alternatives are a field beside their rule, built once: written inline, chevrotain's array of
 * objects and closures is allocated again at every call (a sixth of what parsing the detection-rules
 * corpus allocated).
 */
export class EqlParser extends CstParser {
  constructor() {
    super(T.allTokens, {
      errorMessageProvider,
      maxLookahead: 3,
      nodeLocationTracking: "none",
      skipValidations: !grammarChecks,
    });
    this.performSelfAnalysis();
  }

  /** statement := query pipe* EOF */
  public statement = this.RULE("statement", () => {
    this.SUBRULE(this.query);
    this.MANY(() => this.SUBRULE(this.pipe));
  });

  /** query := sequence | sample | join | eventQuery */
  public query = this.RULE("query", () => {
    this.OR(this.queryAlternatives);
  });
  private readonly queryAlternatives: IOrAlt<unknown>[] = [
    { ALT: () => this.SUBRULE(this.sequence) },
    { ALT: () => this.SUBRULE(this.sample) },
    { ALT: () => this.SUBRULE(this.join) },
    { ALT: () => this.SUBRULE(this.eventQuery) },
  ];

  /** eventQuery := ( 'any' | IDENTIFIER | STRING ) 'where' expression */
  public eventQuery = this.RULE("eventQuery", () => {
    this.OR(this.eventQueryAlternatives);
    this.CONSUME(T.Where);
    this.SUBRULE(this.expression);
  });
  private readonly eventQueryAlternatives: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(T.Any, { LABEL: "category" }) },
    { ALT: () => this.CONSUME(T.Identifier, { LABEL: "category" }) },
    { ALT: () => this.CONSUME(T.StringLiteral, { LABEL: "category" }) },
  ];

  /**
   * sequence := 'sequence' ( joinKeys sequenceParams? | sequenceParams joinKeys? )? sequenceTerm+
   *             ( 'until' sequenceTerm )?
   * Keys after `with` are accepted here so the AST builder can reject them with a precise error.
   */
  public sequence = this.RULE("sequence", () => {
    this.CONSUME(T.Sequence);
    this.OPTION(() => {
      this.OR(this.sequenceAlternatives);
    });
    this.AT_LEAST_ONE(() => this.SUBRULE(this.sequenceTerm));
    this.OPTION4(() => {
      this.CONSUME(T.Until);
      this.SUBRULE2(this.sequenceTerm, { LABEL: "until" });
    });
  });
  private readonly sequenceAlternatives: IOrAlt<unknown>[] = [
    {
      ALT: () => {
        this.SUBRULE(this.joinKeys);
        this.OPTION2(() => this.SUBRULE(this.sequenceParams));
      },
    },
    {
      ALT: () => {
        this.SUBRULE2(this.sequenceParams);
        this.OPTION3(() => this.SUBRULE2(this.joinKeys, { LABEL: "keysAfterWith" }));
      },
    },
  ];

  /** sequenceParams := 'with' 'maxspan' '=' number IDENTIFIER? */
  public sequenceParams = this.RULE("sequenceParams", () => {
    this.CONSUME(T.With);
    this.CONSUME(T.Maxspan);
    this.CONSUME(T.Assign);
    this.SUBRULE(this.number);
    this.OPTION(() => this.CONSUME(T.Identifier, { LABEL: "unit" }));
  });

  /** sequenceTerm := subquery joinKeys? ( 'with' IDENTIFIER '=' number )? */
  public sequenceTerm = this.RULE("sequenceTerm", () => {
    this.SUBRULE(this.subquery);
    this.OPTION(() => this.SUBRULE(this.joinKeys));
    this.OPTION2(() => {
      this.CONSUME(T.With);
      this.CONSUME(T.Identifier, { LABEL: "option" });
      this.CONSUME(T.Assign);
      this.SUBRULE(this.number);
    });
  });

  /** sample := 'sample' joinKeys? sampleTerm+ */
  public sample = this.RULE("sample", () => {
    this.CONSUME(T.Sample);
    this.OPTION(() => this.SUBRULE(this.joinKeys));
    this.AT_LEAST_ONE(() => this.SUBRULE(this.sampleTerm));
  });

  /**
   * join := 'join' joinKeys? sampleTerm sampleTerm+ ( 'until' sampleTerm )?
   * Elasticsearch's grammar has it and its verifier refuses it; the AST builder rejects it.
   */
  public join = this.RULE("join", () => {
    this.CONSUME(T.Join);
    this.OPTION(() => this.SUBRULE(this.joinKeys));
    this.SUBRULE(this.sampleTerm);
    this.AT_LEAST_ONE(() => this.SUBRULE2(this.sampleTerm));
    this.OPTION2(() => {
      this.CONSUME(T.Until);
      this.SUBRULE3(this.sampleTerm, { LABEL: "until" });
    });
  });

  /** sampleTerm := subquery joinKeys? */
  public sampleTerm = this.RULE("sampleTerm", () => {
    this.SUBRULE(this.subquery);
    this.OPTION(() => this.SUBRULE(this.joinKeys));
  });

  /** subquery := ( '[' | '![' ) eventQuery ']' */
  public subquery = this.RULE("subquery", () => {
    this.OR(this.subqueryAlternatives);
    this.SUBRULE(this.eventQuery);
    this.CONSUME(T.RBracket);
  });
  private readonly subqueryAlternatives: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(T.LBracket) },
    { ALT: () => this.CONSUME(T.BangLBracket) },
  ];

  /** joinKeys := 'by' expression ( ',' expression )* */
  public joinKeys = this.RULE("joinKeys", () => {
    this.CONSUME(T.By);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
  });

  /** pipe := '|' IDENTIFIER ( expression ( ',' expression )* )? */
  public pipe = this.RULE("pipe", () => {
    this.CONSUME(T.Pipe);
    this.CONSUME(T.Identifier);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
  });

  /** number := INTEGER | DECIMAL */
  public number = this.RULE("number", () => {
    this.OR(this.numberAlternatives);
  });
  private readonly numberAlternatives: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(T.IntegerLiteral) },
    { ALT: () => this.CONSUME(T.DecimalLiteral) },
  ];

  /**
   * expression := operand ( binaryOp operand )*
   *
   * The operator levels of grammar/eql.ebnf (`or`, `and`, `not`, comparison, `+ -`, `* / %`) are read
   * as one flat chain and nested by precedence in the AST builder: each level a rule of its own put
   * a dozen rule invocations, each with its syntax-tree node, under every leaf, most of the time and
   * allocation of parsing the detection-rules corpus. What the levels refused is refused here too,
   * at the same token: a second comparison with no `and` or `or` between (comparisons do not chain),
   * and `not` anywhere but first or after `and` or `or`.
   */
  public expression = this.RULE("expression", () => {
    let compared = false;
    this.notAllowed = true;
    this.SUBRULE(this.operand, { LABEL: "operands" });
    this.MANY({
      GATE: () => !(compared && tokenMatcher(this.LA(1), T.CompareOp)),
      DEF: () => {
        const op = this.CONSUME(T.BinaryOp, { LABEL: "ops" });
        const logical = tokenMatcher(op, T.And) || tokenMatcher(op, T.Or);
        if (logical) compared = false;
        else if (tokenMatcher(op, T.CompareOp)) compared = true;
        this.notAllowed = logical;
        this.SUBRULE2(this.operand, { LABEL: "operands" });
      },
    });
  });
  /** Whether the operand about to be read may start with `not` (see `expression`). */
  private notAllowed = true;

  /** operand := 'not'* ( '-' | '+' )* primary predicate?   (`not` only where `expression` allows it) */
  public operand = this.RULE("operand", () => {
    this.MANY({ GATE: () => this.notAllowed, DEF: () => this.CONSUME(T.Not) });
    this.MANY2(() => this.CONSUME(T.AddOp));
    this.SUBRULE(this.primary);
    this.OPTION(() => this.SUBRULE(this.predicate));
  });

  /**
   * predicate := 'not'? ('in' | 'in~') '(' expression ( ',' expression )* ')'
   *            | matchOp ( constant | '(' constant ( ',' constant )* ')' )
   */
  public predicate = this.RULE("predicate", () => {
    this.OR(this.predicateAlternatives);
  });
  private readonly predicateAlternatives: IOrAlt<unknown>[] = [
    {
      ALT: () => {
        this.OPTION(() => this.CONSUME(T.Not));
        this.CONSUME(T.InOp);
        this.CONSUME(T.LParen);
        this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
        this.CONSUME(T.RParen);
      },
    },
    {
      ALT: () => {
        this.CONSUME(T.MatchOp);
        this.OR2(this.patternAlternatives);
      },
    },
  ];
  private readonly patternAlternatives: IOrAlt<unknown>[] = [
    { ALT: () => this.SUBRULE(this.constant) },
    {
      ALT: () => {
        this.CONSUME2(T.LParen);
        this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => this.SUBRULE2(this.constant) });
        this.CONSUME2(T.RParen);
      },
    },
  ];

  /** primary := constant | functionCall | field | '(' expression ')' */
  public primary = this.RULE("primary", () => {
    this.OR(this.primaryAlternatives);
  });
  private readonly primaryAlternatives: IOrAlt<unknown>[] = [
    { ALT: () => this.SUBRULE(this.constant) },
    { ALT: () => this.SUBRULE(this.functionCall) },
    { ALT: () => this.SUBRULE(this.field) },
    {
      ALT: () => {
        this.CONSUME(T.LParen);
        this.SUBRULE(this.expression);
        this.CONSUME(T.RParen);
      },
    },
  ];

  /** functionCall := ( IDENTIFIER | TILDE_IDENTIFIER ) '(' ( expression ( ',' expression )* )? ')' */
  public functionCall = this.RULE("functionCall", () => {
    this.OR(this.functionCallAlternatives);
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
    this.CONSUME(T.RParen);
  });
  private readonly functionCallAlternatives: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(T.Identifier) },
    { ALT: () => this.CONSUME(T.TildeIdentifier) },
  ];

  /**
   * field := '?'? identifier ( '.' identifier | '[' INTEGER ']' )*
   * Array indexes are parsed only so the AST builder can reject them with a precise error.
   */
  public field = this.RULE("field", () => {
    this.OPTION(() => this.CONSUME(T.Question));
    this.SUBRULE(this.identifier);
    this.MANY({
      // Lookahead for MANY stops at the rule's end, so `by x [file where ...]` needs this gate.
      GATE: () => !tokenMatcher(this.LA(1), T.LBracket) || tokenMatcher(this.LA(2), T.IntegerLiteral),
      DEF: () => {
        this.OR(this.fieldAlternatives);
      },
    });
  });
  private readonly fieldAlternatives: IOrAlt<unknown>[] = [
    {
      ALT: () => {
        this.CONSUME(T.Dot);
        this.SUBRULE2(this.identifier);
      },
    },
    {
      ALT: () => {
        this.CONSUME(T.LBracket);
        this.CONSUME(T.IntegerLiteral);
        this.CONSUME(T.RBracket);
      },
    },
  ];

  /** identifier := IDENTIFIER | QUOTED_IDENTIFIER */
  public identifier = this.RULE("identifier", () => {
    this.OR(this.identifierAlternatives);
  });
  private readonly identifierAlternatives: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(T.Identifier) },
    { ALT: () => this.CONSUME(T.QuotedIdentifier) },
  ];

  /** constant := 'null' | 'true' | 'false' | number | STRING */
  public constant = this.RULE("constant", () => {
    this.OR(this.constantAlternatives);
  });
  private readonly constantAlternatives: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(T.Null) },
    { ALT: () => this.CONSUME(T.True) },
    { ALT: () => this.CONSUME(T.False) },
    { ALT: () => this.SUBRULE(this.number) },
    { ALT: () => this.CONSUME(T.StringLiteral) },
  ];
}

/** The single parser instance; reset `eqlParser.input` before each parse. */
export const eqlParser = new EqlParser();
