/**
 * How a model asks for code to be run and reads the result. Text formats live inside the response
 * text (generation stops where a tool block closes); the OpenAI format uses the chat API's own
 * `tools` / `tool_calls` fields, parsed by the server (e.g. vLLM's tool parsers).
 */
export interface TextToolFormat {
  kind: "text";
  name: string;
  description: string;
  /** Stop strings that end a generation turn where a tool block closes. */
  stop: string[];
  /**
   * The code of the tool block this turn's text ends in (servers cut the stop string off), or
   * undefined when the turn ended without one (a final answer, or a void turn).
   */
  pendingCode(turnText: string): string | undefined;
  /** Text appended after a run: what the stop string cut off, then the output block. */
  renderOutput(output: string): string;
  /** One line for prompts: how to call the tool in this format. */
  instructions: string;
}

export interface OpenAIToolFormat {
  kind: "openai";
  name: string;
  description: string;
  /** The `tools` entry sent with every request (OpenAI function-calling schema). */
  tool: {
    type: "function";
    function: { name: string; description: string; parameters: Record<string, unknown> };
  };
  instructions: string;
}

export type ToolFormat = TextToolFormat | OpenAIToolFormat;
