// The JSON the todo handlers answer (store.AppendJSON in store/store.go).
export interface Todo {
  id: number;
  title: string;
  done: boolean;
  created_at: string;
}
